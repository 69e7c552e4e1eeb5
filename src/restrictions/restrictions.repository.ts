import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { SanctionRecord } from '../records/sanction-record';

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

  /** The current restrictions of the codes in the domains, in a stable order (the ETag hashes it). */
  find(usccs: readonly string[], domains: readonly string[]): Promise<RestrictionRow[]> {
    return this.dataSource.query(
      `SELECT r.uscc, m.domain, r.record_id, to_char(r.since, 'YYYY-MM-DD') AS since
         FROM restrictions r, unnest(r.measures) AS m(domain)
        WHERE r.uscc = ANY ($1::char(18)[]) AND m.domain = ANY ($2::text[])
        ORDER BY r.uscc, m.domain, r.record_id`,
      [usccs, domains],
    );
  }
}
