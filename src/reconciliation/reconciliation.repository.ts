import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { CREDIT_PLATFORM_TARGET } from '../delivery/outbox.repository';
import type { Difference, LocalEntry } from './merge-compare';

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

export interface StoredItem extends Difference {
  action: string;
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
      `SELECT ${RUN_COLUMNS} FROM reconciliation_runs WHERE seq < $1::bigint ORDER BY seq DESC LIMIT $2`,
      [beforeSeq ?? '9223372036854775807', limit],
    );
  }

  items(runId: string, afterId: string | null, limit: number): Promise<ItemRow[]> {
    return this.dataSource.query(
      `SELECT id::text, kind, record_id, local_version, remote_version, action FROM reconciliation_items
        WHERE run_id = $1 AND id > $2::bigint ORDER BY id LIMIT $3`,
      [runId, afterId ?? '0', limit],
    );
  }

  async insertItems(m: EntityManager, runId: string, items: StoredItem[]): Promise<void> {
    if (!items.length) return;
    await m.query(
      `INSERT INTO reconciliation_items (run_id, kind, record_id, local_version, remote_version, action)
       SELECT $1, i.kind, i.record_id, i.local_version, i.remote_version, i.action
         FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::text[]) WITH ORDINALITY
           AS i(kind, record_id, local_version, remote_version, action, n)
        ORDER BY i.n`,
      [runId, items.map((i) => i.kind), items.map((i) => i.recordId), items.map((i) => i.localVersion), items.map((i) => i.remoteVersion), items.map((i) => i.action)],
    );
  }

  /** The gateway's side of the comparison: each record's current version and its hash, in recordId order (keyset). */
  localPage(after: string | null, limit: number): Promise<LocalEntry[]> {
    // Two texts rather than "$1 IS NULL OR ...", so that each keeps a plain index range scan on the key. The bound
    // is repeated on the versions so that a merge join starts both index scans there, not at the first record.
    const from = after === null ? '' : 'WHERE r.record_id > $2 AND v.record_id > $2';
    return this.dataSource.query(
      `SELECT r.record_id AS "recordId", r.current_version AS version, v.record_hash AS "recordHash", r.status
         FROM records r JOIN record_versions v ON v.record_id = r.record_id AND v.version = r.current_version
        ${from} ORDER BY r.record_id LIMIT $1`,
      after === null ? [limit] : [limit, after],
    );
  }

  /**
   * Makes the platform delivery of each record's current version due now: inserted when missing, otherwise
   * reset whatever its status, except in flight (its outcome is still coming). Earlier versions still waiting
   * for the platform are cancelled: every version is complete on its own, and the relay would hold the
   * current one back behind them. Returns the records whose current version is now due.
   */
  async repairPlatform(m: EntityManager, recordIds: string[], now: Date): Promise<Set<string>> {
    if (!recordIds.length) return new Set();
    const rows: Array<{ record_id: string }> = await m.query(
      `WITH cur AS (
         SELECT r.record_id, r.current_version AS version, v.event
           FROM records r JOIN record_versions v ON v.record_id = r.record_id AND v.version = r.current_version
          WHERE r.record_id = ANY($1::char(26)[])
       ), reset AS (
         UPDATE deliveries d SET status = 'pending', next_attempt_at = $2, final_reason = NULL, lease_token = NULL, lease_until = NULL, updated_at = $2
           FROM cur WHERE d.record_id = cur.record_id AND d.version = cur.version AND d.target = $3 AND d.status <> 'in_flight'
         RETURNING d.record_id
       ), added AS (
         INSERT INTO deliveries (record_id, version, event, target, subscription_id, next_attempt_at, created_at, updated_at)
         SELECT cur.record_id, cur.version, cur.event, $3, NULL, $2, $2, $2 FROM cur
          WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.record_id = cur.record_id AND d.version = cur.version AND d.target = $3)
         ON CONFLICT DO NOTHING
         RETURNING record_id
       ), superseded AS (
         UPDATE deliveries d SET status = 'cancelled', final_reason = 'superseded: reconciliation sent the current version',
                lease_token = NULL, lease_until = NULL, updated_at = $2
           FROM cur WHERE d.record_id = cur.record_id AND d.version < cur.version AND d.target = $3
            AND d.status IN ('pending', 'failed', 'dead')
         RETURNING 1
       )
       SELECT record_id FROM reset UNION ALL SELECT record_id FROM added`,
      [recordIds, now, CREDIT_PLATFORM_TARGET],
    );
    return new Set(rows.map((r) => r.record_id));
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

  subscription(id: string): Promise<{ id: string; principal_id: string | null } | undefined> {
    return this.dataSource.query(`SELECT id, principal_id FROM subscriptions WHERE id = $1`, [id]).then((r) => r[0]);
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
