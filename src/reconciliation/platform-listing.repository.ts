import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PlatformHolding } from '../credit-platform/credit-platform.adapter';
import { latestPerRecord } from './listing-page';

const PREFIX = 'reconciliation_listing_';

/** The staging table of one run: the platform's listing as it arrived, one row per record. */
function tableOf(runId: string): string {
  if (!/^[0-9a-f-]{36}$/.test(runId)) throw new Error(`not a run id: ${runId}`);
  return PREFIX + runId.replace(/-/g, '');
}

/**
 * The platform's listing, streamed into PostgreSQL and compared there with the gateway's records as sets: the
 * listing may come in any order and repeat items across pages, and the gateway never holds more than a page.
 * The table is unlogged (a crash loses only a run that is failed anyway) and dropped when the run ends.
 */
@Injectable()
export class PlatformListingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(runId: string): Promise<void> {
    await this.dataSource.query(
      `CREATE UNLOGGED TABLE ${tableOf(runId)} (record_id text PRIMARY KEY, version int NOT NULL, content_hash text NOT NULL, status text NOT NULL)`,
    );
  }

  async drop(runId: string): Promise<void> {
    await this.dataSource.query(`DROP TABLE IF EXISTS ${tableOf(runId)}`);
  }

  /** Tables left by runs that are no longer running (their instance died before it could drop them). */
  async dropAbandoned(): Promise<void> {
    const rows: Array<{ name: string }> = await this.dataSource.query(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE $1
          AND NOT EXISTS (SELECT 1 FROM reconciliation_runs r WHERE r.status = 'running' AND $2 || replace(r.id::text, '-', '') = c.relname)`,
      [`${PREFIX}%`, PREFIX],
    );
    for (const { name } of rows) await this.dataSource.query(`DROP TABLE IF EXISTS ${name}`);
  }

  /**
   * Adds a page. An item seen before (a cursor that repeats, or a record updated while the listing was read)
   * keeps its latest state: the higher version, and revoked over active at the same version.
   */
  async stage(runId: string, page: PlatformHolding[]): Promise<void> {
    // One row per record in a statement: ON CONFLICT may not touch a row twice.
    const items = latestPerRecord(page);
    if (!items.length) return;
    await this.dataSource.query(
      `INSERT INTO ${tableOf(runId)} AS t (record_id, version, content_hash, status)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[])
       ON CONFLICT (record_id) DO UPDATE SET version = EXCLUDED.version, content_hash = EXCLUDED.content_hash, status = EXCLUDED.status
        WHERE (EXCLUDED.version, EXCLUDED.status = 'revoked') > (t.version, t.status = 'revoked')`,
      [items.map((i) => i.recordId), items.map((i) => i.version), items.map((i) => i.contentHash), items.map((i) => i.status)],
    );
  }

  /**
   * Compares the staged listing with every record's current version (DESIGN section 7) and stores each
   * difference as an item of the run, in record order, with the action it calls for. Returns the counts per
   * kind and `matched`.
   */
  async compare(runId: string): Promise<Record<string, number>> {
    return this.dataSource.transaction(async (m) => {
      // One large hash join: room for it in memory rather than in temporary files.
      await m.query(`SET LOCAL work_mem = '128MB'`);
      const rows: Array<{ kind: string; n: number }> = await m.query(
        `WITH local AS (
           SELECT r.record_id::text AS record_id, r.current_version AS version, v.record_hash::text AS hash, r.status
             FROM records r JOIN record_versions v ON v.record_id = r.record_id AND v.version = r.current_version
         ), judged AS (
           SELECT COALESCE(l.record_id, s.record_id) AS record_id, l.version AS local_version, s.version AS remote_version,
                  CASE WHEN s.record_id IS NULL THEN 'missingRemote'
                       WHEN l.record_id IS NULL THEN 'unknownRemote'
                       -- Before staleness: the remote copy is necessarily older, and what it lacks is the revocation.
                       WHEN l.status = 'revoked' AND s.status = 'active' THEN 'revokedLocally'
                       WHEN s.version < l.version OR s.content_hash <> l.hash THEN 'staleRemote' END AS kind
             FROM local l FULL JOIN ${tableOf(runId)} s ON s.record_id = l.record_id
         ), found AS (
           INSERT INTO reconciliation_items (run_id, kind, record_id, local_version, remote_version, action)
           SELECT $1, kind, record_id, local_version, remote_version,
                  CASE kind WHEN 'unknownRemote' THEN 'flag' WHEN 'revokedLocally' THEN 'send_revocation' ELSE 'redeliver' END
             FROM judged WHERE kind IS NOT NULL ORDER BY record_id
         )
         SELECT COALESCE(kind, 'matched') AS kind, count(*)::int AS n FROM judged GROUP BY kind`,
        [runId],
      );
      return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
    });
  }
}
