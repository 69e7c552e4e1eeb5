import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

// One nightly platform reconciliation across every instance.
const RECONCILE_LOCK = 0x5245_434f; // "RECO"

export interface RunRow {
  id: string;
  seq: string;
  target: string;
  trigger: string;
  status: 'running' | 'done' | 'failed';
  started_at: Date;
  finished_at: Date | null;
  counts: Record<string, number>;
  error: string | null;
}

export interface ItemRow {
  id: string;
  kind: string;
  record_id: string;
  local_version: number | null;
  remote_version: number | null;
  action: string;
}

export interface AgencyTarget {
  id: string;
  principal_id: string | null;
  domains: string[];
}

const RUN_COLUMNS = `id, seq::text, target, trigger, status, started_at, finished_at, counts, error`;

@Injectable()
export class ReconciliationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Starts a run; null when one is already running for the target (the partial unique index decides, across instances). */
  async start(target: string, trigger: 'api' | 'schedule', createdBy: string | null, now: Date): Promise<RunRow | null> {
    const rows: RunRow[] = await this.dataSource.query(
      `INSERT INTO reconciliation_runs (target, trigger, status, started_at, heartbeat_at, created_by)
       VALUES ($1, $2, 'running', $3, $3, $4)
       ON CONFLICT (target) WHERE status = 'running' DO NOTHING
       RETURNING ${RUN_COLUMNS}`,
      [target, trigger, now, createdBy],
    );
    return rows[0] ?? null;
  }

  /** Runs left running by an instance that stopped reporting are failed with a reason, never left hanging. */
  async failStale(olderThan: Date, now: Date): Promise<number> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE reconciliation_runs SET status = 'failed', finished_at = $2,
              error = 'interrupted: the instance running it stopped reporting progress; start it again'
        WHERE status = 'running' AND heartbeat_at < $1`,
      [olderThan, now],
    );
    return affected;
  }

  async progress(m: EntityManager | null, id: string, counts: Record<string, number>, now: Date): Promise<void> {
    await (m ?? this.dataSource).query(`UPDATE reconciliation_runs SET counts = $2::jsonb, heartbeat_at = $3 WHERE id = $1`, [id, JSON.stringify(counts), now]);
  }

  async finish(id: string, counts: Record<string, number>, error: string | null, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE reconciliation_runs SET status = $2, counts = $3::jsonb, error = $4, finished_at = $5, heartbeat_at = $5
        WHERE id = $1 AND status = 'running'`,
      [id, error ? 'failed' : 'done', JSON.stringify(counts), error, now],
    );
  }

  async find(id: string): Promise<RunRow | null> {
    const rows = await this.dataSource.query(`SELECT ${RUN_COLUMNS} FROM reconciliation_runs WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Newest first, keyset-paged on the start order (the unique index on seq). */
  list(beforeSeq: string | null, limit: number): Promise<RunRow[]> {
    return this.dataSource.query(
      // Qualified: the bare name would sort by the text output column `seq::text`, putting run 9 after run 10.
      `SELECT ${RUN_COLUMNS} FROM reconciliation_runs WHERE seq < $1::bigint ORDER BY reconciliation_runs.seq DESC LIMIT $2`,
      [beforeSeq ?? '9223372036854775807', limit],
    );
  }

  items(runId: string, afterId: string | null, limit: number): Promise<ItemRow[]> {
    return this.dataSource.query(
      `SELECT id::text, kind, record_id, local_version, remote_version, action FROM reconciliation_items
        WHERE run_id = $1 AND id > $2::bigint ORDER BY reconciliation_items.id LIMIT $3`,
      [runId, afterId ?? '0', limit],
    );
  }

  /**
   * The differences that need a delivery, in the order found, a page at a time after item `afterId`: what a
   * repair goes through.
   */
  repairable(runId: string, afterId: string, limit: number): Promise<Array<{ id: string; record_id: string }>> {
    return this.dataSource.query(
      `SELECT id::text, record_id FROM reconciliation_items
        WHERE run_id = $1 AND id > $2::bigint AND kind IN ('missingRemote', 'staleRemote', 'revokedLocally')
        ORDER BY reconciliation_items.id LIMIT $3`,
      [runId, afterId, limit],
    );
  }

  /** Items whose repair was left to the attempt under way. */
  async leftInFlight(m: EntityManager, itemIds: string[]): Promise<void> {
    if (itemIds.length) await m.query(`UPDATE reconciliation_items SET action = 'in_flight' WHERE id = ANY($1::bigint[])`, [itemIds]);
  }

  /**
   * An agency's deliveries against what it should hold (DESIGN invariant 9): every record in force whose
   * measures meet its domains, at its current version. A record it never received is `missingRemote` (in
   * force only); one it holds an older version of is `staleRemote`, or `revokedLocally` when the current
   * version is the revocation. Stored as items in record order; returns the counts per kind.
   */
  async compareAgency(runId: string, subscriptionId: string, domains: string[]): Promise<Record<string, number>> {
    const rows: Array<{ kind: string; n: number }> = await this.dataSource.query(
      `WITH received AS (
         SELECT record_id, max(version) AS version FROM deliveries WHERE target = $2 AND status = 'delivered' GROUP BY record_id
       ), judged AS (
         SELECT r.record_id, r.current_version, h.version AS held,
                CASE WHEN h.version >= r.current_version THEN NULL
                     WHEN h.version IS NOT NULL AND r.status = 'revoked' THEN 'revokedLocally'
                     WHEN h.version IS NOT NULL THEN 'staleRemote'
                     WHEN r.status = 'active' AND r.measures && $3::text[] THEN 'missingRemote' END AS kind
           FROM records r LEFT JOIN received h ON h.record_id = r.record_id
       ), found AS (
         INSERT INTO reconciliation_items (run_id, kind, record_id, local_version, remote_version, action)
         SELECT $1, kind, record_id, current_version, held, CASE kind WHEN 'revokedLocally' THEN 'send_revocation' ELSE 'redeliver' END
           FROM judged WHERE kind IS NOT NULL ORDER BY record_id
         RETURNING kind
       )
       SELECT kind, count(*)::int AS n FROM found GROUP BY kind`,
      [runId, subscriptionId, domains],
    );
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  }

  /**
   * An agency's side (DESIGN section 7): per record, the latest version delivered to the subscription; answered
   * when the agency's principal gave feedback on the record since that version was written. Unanswered ones
   * delivered before `dueBefore` become `noFeedback` items. Returns the counts.
   */
  async agencyFeedback(m: EntityManager, runId: string, subscriptionId: string, principalId: string | null, dueBefore: Date) {
    const [row] = await m.query(
      `WITH latest AS (
         SELECT DISTINCT ON (d.record_id) d.record_id, d.version, d.created_at, d.delivered_at
           FROM deliveries d WHERE d.target = $2 AND d.status = 'delivered'
          ORDER BY d.record_id, d.version DESC
       ), judged AS (
         SELECT l.*, EXISTS (SELECT 1 FROM feedback f WHERE f.principal_id = $3 AND f.record_id = l.record_id AND f.created_at >= l.created_at) AS answered
           FROM latest l
       ), overdue AS (
         INSERT INTO reconciliation_items (run_id, kind, record_id, local_version, remote_version, action)
         SELECT $1, 'noFeedback', j.record_id, r.current_version, j.version, 'follow_up'
           FROM judged j JOIN records r ON r.record_id = j.record_id
          WHERE NOT j.answered AND j.delivered_at <= $4
          ORDER BY j.record_id
         RETURNING 1
       )
       SELECT count(*) FILTER (WHERE answered)::int AS matched,
              count(*) FILTER (WHERE NOT answered AND delivered_at > $4)::int AS "awaitingFeedback",
              (SELECT count(*) FROM overdue)::int AS "noFeedback"
         FROM judged`,
      [runId, subscriptionId, principalId, dueBefore],
    );
    return row as { matched: number; awaitingFeedback: number; noFeedback: number };
  }

  /** Deliveries to the agency that gave up (dead): listed for operators, nothing is changed. */
  async agencyUndelivered(m: EntityManager, runId: string, subscriptionId: string): Promise<number> {
    const [{ n }]: Array<{ n: number }> = await m.query(
      `WITH dead AS (
         INSERT INTO reconciliation_items (run_id, kind, record_id, local_version, remote_version, action)
         SELECT $1, 'undelivered', d.record_id, d.version, NULL, 'operator_review'
           FROM deliveries d WHERE d.target = $2 AND d.status = 'dead'
          ORDER BY d.record_id, d.version
         RETURNING 1
       )
       SELECT count(*)::int AS n FROM dead`,
      [runId, subscriptionId],
    );
    return n;
  }

  subscription(id: string): Promise<AgencyTarget | undefined> {
    return this.dataSource.query(`SELECT id, principal_id, domains FROM subscriptions WHERE id = $1`, [id]).then((r) => r[0]);
  }

  /** Holds the cluster-wide reconciliation lock on a connection of its own; null when another instance holds it. */
  async tryLock(): Promise<QueryRunner | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [RECONCILE_LOCK]);
      if (locked) return runner;
    } catch (e) {
      await runner.release();
      throw e;
    }
    await runner.release();
    return null;
  }

  async unlock(runner: QueryRunner): Promise<void> {
    try {
      await runner.query('SELECT pg_advisory_unlock($1)', [RECONCILE_LOCK]);
    } finally {
      await runner.release();
    }
  }
}
