import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { SanctionRecord } from '../records/sanction-record';

/** One record's hold on a code, as the mirror keeps it. */
export interface HeldRecord {
  record_id: string;
  uscc: string;
  measures: string[];
  since: string;
}

/** The flag RecordWriter's transaction carries, so that the mirror hears of the change once it commits. */
export const RESTRICTIONS_CHANGED = 'restrictionsChanged';

export interface RestrictionRow {
  uscc: string;
  domain: string;
  record_id: string;
  since: string;
}

@Injectable()
export class RestrictionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Brings the table in line with new record versions, inside the transaction that writes them: a revocation
   * removes its record's row, any other version sets the record's measures (since = listedOn). Idempotent,
   * so a version applied twice changes nothing.
   */
  async apply(manager: EntityManager, versions: SanctionRecord[]): Promise<void> {
    if (manager.queryRunner && versions.length) manager.queryRunner.data[RESTRICTIONS_CHANGED] = true;
    const revoked = versions.filter((v) => v.event === 'sanction.revoked').map((v) => v.recordId);
    if (revoked.length) await manager.query(`DELETE FROM restrictions WHERE record_id = ANY($1::char(26)[])`, [revoked]);
    const holding = versions.filter((v) => v.event !== 'sanction.revoked');
    if (!holding.length) return;
    await manager.query(
      `INSERT INTO restrictions (record_id, uscc, measures, since)
       SELECT v.record_id, v.uscc, string_to_array(v.measures, ','), v.since
         FROM unnest($1::char(26)[], $2::char(18)[], $3::text[], $4::date[]) AS v(record_id, uscc, measures, since)
       ON CONFLICT (record_id) DO UPDATE SET measures = EXCLUDED.measures`,
      [holding.map((v) => v.recordId), holding.map((v) => v.subject.uscc), holding.map((v) => v.measures.join(',')), holding.map((v) => v.listedOn)],
    );
  }

  /** The current restrictions of the codes in the domains, in byte order (the ETag hashes it; the mirror sorts alike). */
  find(usccs: readonly string[], domains: readonly string[]): Promise<RestrictionRow[]> {
    return this.dataSource.query(
      `SELECT r.uscc, m.domain, r.record_id, to_char(r.since, 'YYYY-MM-DD') AS since
         FROM restrictions r, unnest(r.measures) AS m(domain)
        WHERE r.uscc = ANY ($1::char(18)[]) AND m.domain = ANY ($2::text[])
        ORDER BY r.uscc COLLATE "C", m.domain COLLATE "C", r.record_id COLLATE "C"`,
      [usccs, domains],
    );
  }

  /**
   * The whole table and the ledger position it reflects, read in one snapshot; pages by record id so that
   * no single result holds every row.
   */
  async snapshot(pageSize: number): Promise<{ seq: number; rows: HeldRecord[] }> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const [{ seq }] = await manager.query(`SELECT seq FROM ledger_head`);
      const rows: HeldRecord[] = [];
      let after = '';
      for (;;) {
        const page: HeldRecord[] = await manager.query(
          `SELECT record_id, uscc, measures, to_char(since, 'YYYY-MM-DD') AS since
             FROM restrictions WHERE record_id > $1 ORDER BY record_id LIMIT $2`,
          [after, pageSize],
        );
        rows.push(...page);
        if (page.length < pageSize) return { seq: Number(seq), rows };
        after = page[page.length - 1].record_id;
      }
    });
  }

  /** Records with ledger entries after `seq`, in order, and the last seq read; every restriction change has one. */
  async changedSince(seq: number, limit: number): Promise<{ seq: number; entries: number; recordIds: string[] }> {
    const rows: Array<{ seq: string; record_id: string }> = await this.dataSource.query(
      `SELECT seq, record_id FROM ledger_entries WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [seq, limit],
    );
    return {
      seq: rows.length ? Number(rows[rows.length - 1].seq) : seq,
      entries: rows.length,
      recordIds: [...new Set(rows.map((r) => r.record_id))],
    };
  }

  /** The current rows of these records; a record missing from the answer holds nothing (revoked or never held). */
  held(recordIds: readonly string[]): Promise<HeldRecord[]> {
    return this.dataSource.query(
      `SELECT record_id, uscc, measures, to_char(since, 'YYYY-MM-DD') AS since FROM restrictions WHERE record_id = ANY ($1::char(26)[])`,
      [recordIds],
    );
  }
}
