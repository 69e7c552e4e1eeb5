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
   * removes every row of its record, any other version removes the measures it no longer holds and adds
   * those it does (with since = listedOn). Idempotent, so a version applied twice changes nothing.
   */
  async apply(manager: EntityManager, versions: SanctionRecord[]): Promise<void> {
    if (!versions.length) return;
    // An issue has nothing to remove; skipping it keeps the sweep's large issuing batches to the insert.
    const followUps = versions.filter((v) => v.event !== 'sanction.issued');
    if (followUps.length) {
      await manager.query(
        `DELETE FROM restrictions x
          USING unnest($1::char(26)[], $2::text[], $3::boolean[]) AS v(record_id, measures, revoked)
          WHERE x.record_id = v.record_id AND (v.revoked OR x.domain <> ALL (string_to_array(v.measures, ',')))`,
        [followUps.map((v) => v.recordId), followUps.map((v) => v.measures.join(',')), followUps.map((v) => v.event === 'sanction.revoked')],
      );
    }
    const holding = versions.filter((v) => v.event !== 'sanction.revoked' && v.measures.length);
    if (!holding.length) return;
    await manager.query(
      `INSERT INTO restrictions (uscc, domain, record_id, since)
       SELECT v.uscc, m.domain, v.record_id, v.since
         FROM unnest($1::char(18)[], $2::char(26)[], $3::text[], $4::date[]) AS v(uscc, record_id, measures, since),
              unnest(string_to_array(v.measures, ',')) AS m(domain)
       ON CONFLICT DO NOTHING`,
      [holding.map((v) => v.subject.uscc), holding.map((v) => v.recordId), holding.map((v) => v.measures.join(',')), holding.map((v) => v.listedOn)],
    );
  }

  /** The current restrictions of the codes in the domains, in a stable order (the ETag hashes it). */
  find(usccs: readonly string[], domains: readonly string[]): Promise<RestrictionRow[]> {
    return this.dataSource.query(
      `SELECT uscc, domain, record_id, to_char(since, 'YYYY-MM-DD') AS since
         FROM restrictions
        WHERE uscc = ANY ($1::char(18)[]) AND domain = ANY ($2::text[])
        ORDER BY uscc, domain, record_id`,
      [usccs, domains],
    );
  }
}
