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

  async page(afterSeq: number, limit: number): Promise<LedgerEntry[]> {
    const rows: EntryRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ledger_entries WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map(toEntry);
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
