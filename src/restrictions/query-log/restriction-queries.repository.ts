import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QueryColumns } from './query-buffer';

export interface QueryFilter {
  principalId?: string;
  uscc?: string;
  since?: string;
  until?: string;
  before?: { at: string; id: string };
  limit: number;
}

export interface StoredQuery {
  id: string;
  principal_id: string;
  principal_name: string | null;
  uscc: string | null;
  at: Date;
  batch: boolean;
  codes: number;
  codes_hash: string | null;
}

@Injectable()
export class RestrictionQueriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Each column travels as one comma-joined string: none of the values can hold a comma (ids, validated
   * codes, ISO times, booleans), and it spares the driver quoting thousands of array elements a second.
   */
  async insert(rows: QueryColumns): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO restriction_queries (principal_id, uscc, at, batch, codes, codes_hash)
       SELECT p, NULLIF(u, '')::char(18), a, b, c, NULLIF(h, '')::char(64)
         FROM unnest(string_to_array($1, ',')::uuid[], string_to_array($2, ','), string_to_array($3, ',')::timestamptz[],
                     string_to_array($4, ',')::boolean[], string_to_array($5, ',')::int[], string_to_array($6, ',')) AS r(p, u, a, b, c, h)`,
      [rows.principalIds.join(','), rows.usccs.join(','), rows.ats.join(','), rows.batch.join(','), rows.counts.join(','), rows.hashes.join(',')],
    );
  }

  /** Newest first; keyset on (at, id), which both indexes end with. */
  list(f: QueryFilter): Promise<StoredQuery[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.principalId !== undefined) add('q.principal_id = ?::uuid', f.principalId);
    if (f.uscc !== undefined) add('q.uscc = ?::char(18)', f.uscc);
    if (f.since !== undefined) add('q.at >= ?::timestamptz', f.since);
    if (f.until !== undefined) add('q.at < ?::timestamptz', f.until);
    if (f.before) {
      params.push(f.before.at, f.before.id);
      where.push(`(q.at, q.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    params.push(f.limit);
    return this.dataSource.query(
      `SELECT q.id::text, q.principal_id, p.name AS principal_name, q.uscc, q.at, q.batch, q.codes, q.codes_hash
         FROM restriction_queries q LEFT JOIN principals p ON p.id = q.principal_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY q.at DESC, q.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Deletes up to `batch` of the oldest rows before the cutoff; returns how many. */
  async deleteBefore(cutoff: Date, batch: number): Promise<number> {
    const [{ n }] = await this.dataSource.query(
      `WITH gone AS (
         DELETE FROM restriction_queries WHERE id IN (
           SELECT id FROM restriction_queries WHERE at < $1 ORDER BY at, id LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [cutoff, batch],
    );
    return n;
  }
}
