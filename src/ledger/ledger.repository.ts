import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { LedgerEntry } from './ledger-entry';

interface EntryRow {
  seq: string;
  record_id: string;
  version: number;
  record_hash: string;
  prev_hash: string;
  appended_at: Date;
  hash: string;
}

const COLUMNS = 'seq, record_id, version, record_hash, prev_hash, appended_at, hash';

@Injectable()
export class LedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Locks the head row until the caller's transaction ends: appends queue here, so the chain never forks. */
  async lockHead(manager: EntityManager): Promise<{ seq: number; hash: string }> {
    const [row] = await manager.query(`SELECT seq, hash FROM ledger_head WHERE id FOR UPDATE`);
    return { seq: Number(row.seq), hash: row.hash };
  }

  async append(manager: EntityManager, entries: LedgerEntry[]): Promise<void> {
    if (!entries.length) return;
    await manager.query(
      `INSERT INTO ledger_entries (${COLUMNS})
       SELECT * FROM unnest($1::bigint[], $2::char(26)[], $3::int[], $4::char(64)[], $5::char(64)[], $6::timestamptz[], $7::char(64)[])`,
      [
        entries.map((e) => e.seq),
        entries.map((e) => e.recordId),
        entries.map((e) => e.version),
        entries.map((e) => e.recordHash),
        entries.map((e) => e.prevHash),
        entries.map((e) => e.appendedAt),
        entries.map((e) => e.hash),
      ],
    );
    const last = entries[entries.length - 1];
    await manager.query(`UPDATE ledger_head SET seq = $1, hash = $2 WHERE id`, [last.seq, last.hash]);
  }

  /** Entries after `afterSeq` in order; inside the caller's transaction when a manager is given. */
  async page(afterSeq: number, limit: number, m?: EntityManager): Promise<LedgerEntry[]> {
    const rows: EntryRow[] = await (m ?? this.dataSource).query(
      `SELECT ${COLUMNS} FROM ledger_entries WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map(toEntry);
  }

  /** A page with each entry's record version JWS (null when the version is missing), for offline verifiers. */
  async pageWithRecords(afterSeq: number, limit: number): Promise<Array<LedgerEntry & { jws: string | null }>> {
    const rows: Array<EntryRow & { jws: string | null }> = await this.dataSource.query(
      `SELECT e.seq, e.record_id, e.version, e.record_hash, e.prev_hash, e.appended_at, e.hash, v.jws
         FROM ledger_entries e LEFT JOIN record_versions v ON v.record_id = e.record_id AND v.version = e.version
        WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map((r) => ({ ...toEntry(r), jws: r.jws }));
  }

  async entryAt(m: EntityManager, seq: number): Promise<LedgerEntry | null> {
    const rows: EntryRow[] = await m.query(`SELECT ${COLUMNS} FROM ledger_entries WHERE seq = $1`, [seq]);
    return rows.length ? toEntry(rows[0]) : null;
  }

  /** The seq of the last entry, as the head row says (read without waiting for appenders' locks). */
  async headSeq(m?: EntityManager): Promise<number> {
    const [row] = await (m ?? this.dataSource).query(`SELECT seq FROM ledger_head WHERE id`);
    return Number(row.seq);
  }

  async last(): Promise<LedgerEntry | null> {
    const rows: EntryRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM ledger_entries ORDER BY seq DESC LIMIT 1`);
    return rows.length ? toEntry(rows[0]) : null;
  }
}

function toEntry(r: EntryRow): LedgerEntry {
  return {
    seq: Number(r.seq),
    recordId: r.record_id,
    version: r.version,
    recordHash: r.record_hash,
    prevHash: r.prev_hash,
    appendedAt: r.appended_at.toISOString(),
    hash: r.hash,
  };
}
