import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { recordOf } from '../records/records.repository';

export interface FeedbackRow {
  id: string;
  record_id: string;
  principal_id: string;
  agency: string;
  subscription_id: string | null;
  domain: string;
  action: string;
  occurred_on: string;
  reference: string | null;
  note: string | null;
  created_at: Date;
}

export interface NewFeedback {
  recordId: string;
  principalId: string;
  agency: string;
  subscriptionId: string | null;
  domain: string;
  action: string;
  occurredOn: string;
  reference: string | null;
  note: string | null;
  createdAt: Date;
}

export interface FeedbackFilter {
  recordId?: string;
  principalId?: string;
  since?: string;
  after?: { createdAt: string; id: string };
  limit: number;
}

const COLUMNS = `id, record_id, principal_id, agency, subscription_id, domain, action, to_char(occurred_on, 'YYYY-MM-DD') AS occurred_on,
                 reference, note, created_at`;

@Injectable()
export class FeedbackRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Who owns the record and every domain it ever restricted: amendments only narrow, so the first version's
   * measures hold them all (an agency reports lifting a restriction an amendment removed).
   */
  async recordScope(recordId: string): Promise<{ department: string; county: string; measures: string[] } | null> {
    const rows: Array<{ department: string; county: string; jws: string }> = await this.dataSource.query(
      `SELECT r.department, r.county, v.jws FROM records r JOIN record_versions v ON v.record_id = r.record_id AND v.version = 1
        WHERE r.record_id = $1`,
      [recordId],
    );
    if (!rows.length) return null;
    return { department: rows[0].department, county: rows[0].county, measures: recordOf(rows[0].jws).measures };
  }

  /** The agency's subscription (DESIGN section 3: a subscription names its API principal); the oldest when several do. */
  async subscriptionOf(principalId: string): Promise<string | null> {
    const rows = await this.dataSource.query(
      `SELECT id FROM subscriptions WHERE principal_id = $1 ORDER BY (state = 'disabled'), created_at, id LIMIT 1`,
      [principalId],
    );
    return rows[0]?.id ?? null;
  }

  /** Inserts the entry unless the same report exists; returns the stored row and whether it is new. */
  async insertOnce(f: NewFeedback): Promise<{ row: FeedbackRow; created: boolean }> {
    const inserted: FeedbackRow[] = await this.dataSource.query(
      `INSERT INTO feedback (record_id, principal_id, agency, subscription_id, domain, action, occurred_on, reference, note, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (principal_id, record_id, domain, action, occurred_on) DO NOTHING
       RETURNING ${COLUMNS}`,
      [f.recordId, f.principalId, f.agency, f.subscriptionId, f.domain, f.action, f.occurredOn, f.reference, f.note, f.createdAt],
    );
    if (inserted.length) return { row: inserted[0], created: true };
    const [existing]: FeedbackRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM feedback WHERE principal_id = $1 AND record_id = $2 AND domain = $3 AND action = $4 AND occurred_on = $5`,
      [f.principalId, f.recordId, f.domain, f.action, f.occurredOn],
    );
    return { row: existing, created: false };
  }

  /** Oldest first, keyset-paged on (created_at, id); each filter has an index leading with it. */
  list(f: FeedbackFilter): Promise<FeedbackRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.recordId) where.push(`record_id = $${params.push(f.recordId)}`);
    if (f.principalId) where.push(`principal_id = $${params.push(f.principalId)}::uuid`);
    if (f.since) where.push(`created_at >= $${params.push(f.since)}::timestamptz`);
    if (f.after) where.push(`(created_at, id) > ($${params.push(f.after.createdAt)}::timestamptz, $${params.push(f.after.id)}::uuid)`);
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM feedback ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at, id LIMIT $${params.push(f.limit)}`,
      params,
    );
  }
}
