import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryPrepared } from '../database/prepared';
import { DeliveryFilter, filterSql } from './delivery-filter';
import { startsFrom } from './delivery-status';
import { CREDIT_PLATFORM_TARGET } from './targets';

export interface Claimed {
  id: string;
  target: string;
  leaseToken: string;
}

export interface TargetAllowance {
  target: string;
  /** How many more may start now under the target's rate limit. */
  allow: number;
}

export interface ClaimLimits {
  leaseMs: number;
  batch: number;
  cooldownMs: number;
  /** Deliveries a half-open circuit lets through at once. */
  probes: number;
  /** Platform deliveries in flight at once (its batches times their size). */
  platformCap: number;
}

export interface DeliveryWork {
  id: string;
  recordId: string;
  version: number;
  event: string;
  target: string;
  status: string;
  attempts: number;
  leaseToken: string | null;
  jws: string;
  subscriptionId: string | null;
  url: string | null;
  state: string | null;
  secret: string | null;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  httpStatus: number | null;
  error: string | null;
  snippet: string | null;
  outcome: 'delivered' | 'retry' | 'dead';
}

export interface RoutedVersion {
  recordId: string;
  version: number;
  event: string;
  measures: readonly string[];
}

/** A delivery as operators see it. */
export interface DeliveryRow {
  id: string;
  record_id: string;
  version: number;
  event: string;
  target: string;
  status: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_http_status: number | null;
  last_error: string | null;
  final_reason: string | null;
  released: boolean;
  delivered_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const DELIVERY_COLUMNS = `id, record_id, version, event, target, status, attempts, next_attempt_at, last_attempt_at, last_http_status,
  last_error, final_reason, released, delivered_at, created_at, updated_at`;

/**
 * Routing writes share this lock; a backfill or a repair takes it alone. A subscription created while a sweep
 * writes records therefore either is seen by the sweep's routing or sees the sweep's records: never neither.
 */
const ROUTING_LOCK = 0x524f_5554; // "ROUT"

/** Due now, from whatever it was: the reset shared by an operator's retry and a reconciliation's repair. */
const makeDue = (now: string) =>
  `status = 'pending', next_attempt_at = ${now}, final_reason = NULL, released = false, lease_token = NULL, lease_until = NULL, updated_at = ${now}`;

/** An earlier version of `d`'s record that must reach `d`'s target first (DESIGN invariant 5). */
const HELD_BEHIND = `EXISTS (
  SELECT 1 FROM deliveries e
   WHERE e.record_id = d.record_id AND e.target = d.target AND e.version < d.version
     AND e.status <> 'delivered' AND NOT (e.status = 'cancelled' AND e.released))`;

/** Marks successes delivered, records their attempts and closes their targets' circuits (see `succeed`). */
const SUCCEED = `WITH v AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamptz[], $5::int[], $6::int[], $7::text[])
      AS v(id, token, attempt, started_at, duration_ms, http_status, snippet)
  ), marked AS (
    UPDATE deliveries d SET status = 'delivered', attempts = d.attempts + 1, last_attempt_at = v.started_at,
           last_http_status = v.http_status, last_error = NULL, final_reason = NULL, delivered_at = $8,
           lease_token = NULL, lease_until = NULL, updated_at = $8
      FROM v WHERE d.id = v.id AND d.lease_token = v.token AND d.status = 'in_flight'
    RETURNING d.id, d.target
  ), healed AS (
    -- A healthy target's row is left alone, so concurrent successes to one target do not queue on its lock.
    UPDATE target_health SET circuit = 'closed', consecutive_failures = 0, opened_at = NULL, failing_since = NULL,
           last_success_at = $8
     WHERE target IN (SELECT target FROM marked) AND (circuit <> 'closed' OR consecutive_failures > 0)
  )
  INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, http_status, error, response_snippet, outcome)
  SELECT v.id, v.attempt, v.started_at, v.duration_ms, v.http_status, NULL, v.snippet, 'delivered'
    FROM v JOIN marked ON marked.id = v.id
  RETURNING delivery_id`;

/**
 * The only writer of `deliveries`. Every change is a named transition here, each starting only from the
 * statuses `delivery-status.ts` allows; PostgreSQL is the truth and the queue only carries ids.
 */
@Injectable()
export class DeliveryRepository {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  /**
   * Route: a new record goes to the platform and to every subscription whose domains meet its measures,
   * whatever the subscription's state (a paused or disabled one gets it when it is active again). The versions
   * are new in this transaction, so no row can exist yet: a plain insert, not the costlier ON CONFLICT path,
   * for the million rows a large sweep writes.
   */
  async routeIssued(m: EntityManager, versions: RoutedVersion[], at: Date): Promise<number> {
    if (!versions.length) return 0;
    await m.query('SELECT pg_advisory_xact_lock_shared($1)', [ROUTING_LOCK]);
    const [{ count }] = await m.query(
      `WITH v AS (
         SELECT * FROM unnest($1::char(26)[], $2::int[], $3::text[], $4::text[]) AS v(record_id, version, event, measures)
       ), ins AS (
         INSERT INTO deliveries (record_id, version, event, target, subscription_id, next_attempt_at, created_at, updated_at)
         SELECT v.record_id, v.version, v.event, $5, NULL::uuid, $6::timestamptz, $6::timestamptz, $6::timestamptz FROM v
         UNION ALL
         SELECT v.record_id, v.version, v.event, s.id::text, s.id, $6::timestamptz, $6::timestamptz, $6::timestamptz
           FROM v JOIN subscriptions s ON s.domains && string_to_array(v.measures, ',')
         RETURNING 1
       )
       SELECT count(*)::int AS count FROM ins`,
      [
        versions.map((v) => v.recordId),
        versions.map((v) => v.version),
        versions.map((v) => v.event),
        versions.map((v) => v.measures.join(',')),
        CREDIT_PLATFORM_TARGET,
        at,
      ],
    );
    return count;
  }

  /** Route: amendments and revocations go to every target that was to get an earlier version (DESIGN invariant 5). */
  async routeFollowUp(m: EntityManager, versions: Omit<RoutedVersion, 'measures'>[], at: Date): Promise<number> {
    if (!versions.length) return 0;
    await m.query('SELECT pg_advisory_xact_lock_shared($1)', [ROUTING_LOCK]);
    const [{ count }] = await m.query(
      `WITH v AS (
         SELECT * FROM unnest($1::char(26)[], $2::int[], $3::text[]) AS v(record_id, version, event)
       ), ins AS (
         INSERT INTO deliveries (record_id, version, event, target, subscription_id, next_attempt_at, created_at, updated_at)
         SELECT DISTINCT v.record_id, v.version, v.event, d.target, d.subscription_id, $4::timestamptz, $4::timestamptz, $4::timestamptz
           FROM v JOIN deliveries d ON d.record_id = v.record_id AND d.version < v.version AND d.status <> 'cancelled'
         ON CONFLICT DO NOTHING
         RETURNING 1
       )
       SELECT count(*)::int AS count FROM ins`,
      [versions.map((v) => v.recordId), versions.map((v) => v.version), versions.map((v) => v.event), at],
    );
    return count;
  }

  /**
   * Backfill: a subscription that starts to want records (created, domains widened, enabled again) gets the
   * current version of every record in force whose measures meet its domains and that it has no delivery of
   * yet, due now, in record order. A revoked record is not in force, so no revocation ever goes out alone.
   * Returns how many deliveries were added.
   */
  async backfill(m: EntityManager, subscriptionId: string, domains: readonly string[], at: Date): Promise<number> {
    await m.query('SELECT pg_advisory_xact_lock($1)', [ROUTING_LOCK]);
    const [{ count }] = await m.query(
      `WITH ins AS (
         INSERT INTO deliveries (record_id, version, event, target, subscription_id, next_attempt_at, created_at, updated_at)
         SELECT r.record_id, r.current_version, v.event, $1::text, $1::uuid, $3, $3, $3
           FROM records r JOIN record_versions v ON v.record_id = r.record_id AND v.version = r.current_version
          WHERE r.status = 'active' AND r.measures && $2::text[]
            AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.record_id = r.record_id AND d.target = $1::text)
          ORDER BY r.record_id
         ON CONFLICT DO NOTHING
         RETURNING 1
       )
       SELECT count(*)::int AS count FROM ins`,
      [subscriptionId, domains, at],
    );
    return count;
  }

  /**
   * Claim: leases due deliveries (and those whose lease expired) to this relay, oldest due first and in record
   * order among equals. Per target it never exceeds the subscription's concurrency cap (counted across every
   * instance) or its rate allowance. A target whose circuit is open gets nothing until the cool-down ends, then
   * `probes` at once, those already attempted first: a delivery that failed once is the likeliest to go through
   * now. A later version waits until the earlier ones reached the target; a cancelled earlier one holds it too
   * unless it was released. The credit platform has its own cap.
   */
  async claim(now: Date, limits: ClaimLimits, allowances: TargetAllowance[]): Promise<Claimed[]> {
    if (!allowances.length) return [];
    return queryPrepared<Claimed>(
      this.dataSource,
      'deliveries.claim',
      `WITH inflight AS (
         SELECT target, count(*)::int AS n FROM deliveries
          WHERE status = 'in_flight' AND lease_until >= $1 AND target = ANY($5::text[]) GROUP BY target
       ), room AS (
         SELECT a.target, COALESCE(h.circuit, 'closed') <> 'closed' AS probing,
                LEAST(a.allow, COALESCE(s.max_concurrency, $7) - COALESCE(i.n, 0),
                      CASE WHEN COALESCE(h.circuit, 'closed') = 'closed' THEN 2147483647 ELSE $8 - COALESCE(i.n, 0) END) AS n
           FROM unnest($5::text[], $6::int[]) AS a(target, allow)
           LEFT JOIN subscriptions s ON a.target <> '${CREDIT_PLATFORM_TARGET}' AND s.id::text = a.target
           LEFT JOIN target_health h ON h.target = a.target
           LEFT JOIN inflight i ON i.target = a.target
          WHERE (a.target = '${CREDIT_PLATFORM_TARGET}' OR s.state = 'active')
            AND (COALESCE(h.circuit, 'closed') = 'closed' OR h.opened_at <= $1::timestamptz - make_interval(secs => $4::float8 / 1000))
       ), picked AS (
         SELECT c.id FROM room r CROSS JOIN LATERAL (
           SELECT u.id FROM (
             (SELECT d.id, 0 AS rank, d.next_attempt_at AS due FROM deliveries d
               WHERE NOT r.probing AND d.target = r.target AND d.status IN ('pending', 'failed') AND d.next_attempt_at <= $1
                 AND (d.version = 1 OR NOT ${HELD_BEHIND})
               ORDER BY d.next_attempt_at, d.record_id LIMIT GREATEST(r.n, 0))
             UNION ALL
             (SELECT d.id, CASE WHEN d.attempts = 0 THEN 1 ELSE 0 END, d.next_attempt_at FROM deliveries d
               WHERE r.probing AND d.target = r.target AND d.status IN ('pending', 'failed') AND d.next_attempt_at <= $1
                 AND (d.version = 1 OR NOT ${HELD_BEHIND})
               ORDER BY d.attempts = 0, d.next_attempt_at, d.record_id LIMIT GREATEST(r.n, 0))
             UNION ALL
             (SELECT d.id, 0, d.lease_until FROM deliveries d
               WHERE d.target = r.target AND d.status = 'in_flight' AND d.lease_until < $1
               ORDER BY d.lease_until LIMIT GREATEST(r.n, 0))
           ) u
           ORDER BY u.rank, u.due LIMIT GREATEST(r.n, 0)
         ) c
         LIMIT $3
       ), locked AS (
         SELECT id FROM deliveries
          WHERE id IN (SELECT id FROM picked)
            AND (status IN ('pending', 'failed') OR (status = 'in_flight' AND lease_until < $1))
          FOR UPDATE SKIP LOCKED
       )
       UPDATE deliveries d SET status = 'in_flight', lease_token = gen_random_uuid(),
              lease_until = $1::timestamptz + make_interval(secs => $2::float8 / 1000), updated_at = $1
         FROM locked WHERE d.id = locked.id
       RETURNING d.id, d.target, d.lease_token AS "leaseToken"`,
      [now, limits.leaseMs, limits.batch, limits.cooldownMs, allowances.map((a) => a.target), allowances.map((a) => a.allow), limits.platformCap, limits.probes],
    );
  }

  /** The subscriptions a relay may send to now, with their rate limits. */
  activeTargets(): Promise<Array<{ target: string; ratePerSecond: number }>> {
    return queryPrepared(this.dataSource, 'deliveries.active-targets', `SELECT id::text AS target, rate_per_second AS "ratePerSecond" FROM subscriptions WHERE state = 'active'`, []);
  }

  loadMany(ids: string[]): Promise<DeliveryWork[]> {
    return queryPrepared<DeliveryWork>(
      this.dataSource,
      'deliveries.load',
      `SELECT d.id, d.record_id AS "recordId", d.version, d.event, d.target, d.status, d.attempts, d.lease_token AS "leaseToken",
              v.jws, d.subscription_id AS "subscriptionId", s.url, s.state, s.secret, s.previous_secret AS "previousSecret",
              s.previous_secret_expires_at AS "previousSecretExpiresAt"
         FROM deliveries d
         JOIN record_versions v ON v.record_id = d.record_id AND v.version = d.version
         LEFT JOIN subscriptions s ON s.id = d.subscription_id
        WHERE d.id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** Release: gives a lease back without an attempt (the target was paused meanwhile). */
  async release(id: string, leaseToken: string, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE deliveries SET status = 'pending', lease_token = NULL, lease_until = NULL, updated_at = $3
        WHERE id = $1 AND lease_token = $2 AND status = 'in_flight'`,
      [id, leaseToken, now],
    );
  }

  /**
   * Succeed: records successful attempts in one statement, only for rows whose lease the caller still holds
   * (a delivery whose lease was taken over elsewhere is never marked twice). Their targets' circuits close.
   * Returns the ids that were marked. Inside a transaction when `m` is given.
   */
  async succeed(items: Array<{ attempt: AttemptRecord; leaseToken: string }>, now: Date, m?: EntityManager): Promise<Set<string>> {
    const values = [
      items.map((i) => i.attempt.deliveryId),
      items.map((i) => i.leaseToken),
      items.map((i) => i.attempt.attempt),
      items.map((i) => i.attempt.startedAt),
      items.map((i) => i.attempt.durationMs),
      items.map((i) => i.attempt.httpStatus),
      items.map((i) => i.attempt.snippet),
      now,
    ];
    const rows: Array<{ delivery_id: string }> = m ? await m.query(SUCCEED, values) : await queryPrepared(this.dataSource, 'deliveries.succeed', SUCCEED, values);
    return new Set(rows.map((r) => r.delivery_id));
  }

  /** Fail: the attempt failed and the delivery waits for its next one. False when the lease was lost. */
  fail(m: EntityManager, a: AttemptRecord, leaseToken: string, nextAttemptAt: Date, now: Date): Promise<boolean> {
    return this.finish(m, a, leaseToken, 'failed', nextAttemptAt, null, now);
  }

  /** Dead: the delivery gave up and surfaces to operators with the reason. False when the lease was lost. */
  dead(m: EntityManager, a: AttemptRecord, leaseToken: string, reason: string, now: Date): Promise<boolean> {
    return this.finish(m, a, leaseToken, 'dead', null, reason, now);
  }

  /**
   * Cancel (an operator): stopped for good. Later versions of the record stay held behind it unless
   * `releaseLater`. Null when the delivery was not in a status a cancel starts from.
   */
  async cancel(m: EntityManager, id: string, reason: string, releaseLater: boolean, now: Date): Promise<DeliveryRow | null> {
    const [rows] = await m.query(
      `UPDATE deliveries SET status = 'cancelled', final_reason = $2, released = $3, lease_token = NULL, lease_until = NULL, updated_at = $4
        WHERE id = $1 AND status = ANY($5::text[]) RETURNING ${DELIVERY_COLUMNS}`,
      [id, reason, releaseLater, now, startsFrom('cancel')],
    );
    return rows[0] ?? null;
  }

  /** Retry (an operator): due now; the attempt count and history stay, and a stale worker's lease no longer matches. */
  async retry(m: EntityManager, id: string, now: Date): Promise<DeliveryRow | null> {
    const [rows] = await m.query(
      `UPDATE deliveries SET ${makeDue('$2')} WHERE id = $1 AND status = ANY($3::text[]) RETURNING ${DELIVERY_COLUMNS}`,
      [id, now, startsFrom('retry')],
    );
    return rows[0] ?? null;
  }

  /**
   * Retry in bulk: makes the next batch (in creation order after `after`) of rows matching the filter and
   * unchanged since the job started due now, and answers what each row was before. Rows a worker holds are
   * skipped rather than waited for.
   */
  async retryBatch(
    m: EntityManager,
    f: DeliveryFilter,
    unchangedSince: Date,
    after: { createdAt: Date; id: string } | null,
    limit: number,
    now: Date,
  ): Promise<Array<{ id: string; status: string; created_at: Date }>> {
    const where: string[] = [];
    const params: unknown[] = [];
    filterSql(f, where, params);
    where.push(`status = ANY($${params.push(startsFrom('retry'))}::text[])`);
    where.push(`updated_at <= $${params.push(unchangedSince)}`);
    if (after) where.push(`(created_at, id) > ($${params.push(after.createdAt)}::timestamptz, $${params.push(after.id)}::uuid)`);
    return m.query(
      `WITH picked AS (
         SELECT id, status, created_at FROM deliveries WHERE ${where.join(' AND ')}
          ORDER BY created_at, id LIMIT $${params.push(limit)} FOR UPDATE SKIP LOCKED
       ), changed AS (
         UPDATE deliveries d SET ${makeDue(`$${params.push(now)}`)} FROM picked WHERE d.id = picked.id
       )
       SELECT id, status, created_at FROM picked ORDER BY created_at, id`,
      params,
    );
  }

  /**
   * Repair (reconciliation): makes the target's delivery of each record's current version due now, inserted
   * when missing, otherwise reset whatever its status except in flight (its outcome is still coming). Earlier
   * versions still waiting for the target are superseded: cancelled and released, since every version is
   * complete on its own and the current one would otherwise wait behind them. Returns the records whose
   * current version is now due.
   */
  async repair(m: EntityManager, target: string, recordIds: string[], now: Date): Promise<Set<string>> {
    if (!recordIds.length) return new Set();
    await m.query('SELECT pg_advisory_xact_lock($1)', [ROUTING_LOCK]);
    const rows: Array<{ record_id: string }> = await m.query(
      `WITH cur AS (
         SELECT r.record_id, r.current_version AS version, v.event
           FROM records r JOIN record_versions v ON v.record_id = r.record_id AND v.version = r.current_version
          WHERE r.record_id = ANY($1::char(26)[])
       ), reset AS (
         UPDATE deliveries d SET ${makeDue('$2')}
           FROM cur WHERE d.record_id = cur.record_id AND d.version = cur.version AND d.target = $3 AND d.status = ANY($5::text[])
         RETURNING d.record_id
       ), added AS (
         INSERT INTO deliveries (record_id, version, event, target, subscription_id, next_attempt_at, created_at, updated_at)
         SELECT cur.record_id, cur.version, cur.event, $3, $4::uuid, $2, $2, $2 FROM cur
          WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.record_id = cur.record_id AND d.version = cur.version AND d.target = $3)
         ON CONFLICT DO NOTHING
         RETURNING record_id
       ), superseded AS (
         UPDATE deliveries d SET status = 'cancelled', released = true, lease_token = NULL, lease_until = NULL, updated_at = $2,
                final_reason = CASE WHEN d.status = 'cancelled' THEN d.final_reason ELSE 'superseded: reconciliation sent the current version' END
           FROM cur WHERE d.record_id = cur.record_id AND d.version < cur.version AND d.target = $3 AND d.status = ANY($6::text[])
         RETURNING 1
       )
       SELECT record_id FROM reset UNION ALL SELECT record_id FROM added`,
      [recordIds, now, target, target === CREDIT_PLATFORM_TARGET ? null : target, startsFrom('repair'), startsFrom('supersede')],
    );
    return new Set(rows.map((r) => r.record_id));
  }

  /** Records an attempt's outcome, only while the caller still holds the lease. */
  private async finish(
    m: EntityManager,
    a: AttemptRecord,
    leaseToken: string,
    status: 'failed' | 'dead',
    nextAttemptAt: Date | null,
    finalReason: string | null,
    now: Date,
  ): Promise<boolean> {
    const [rows] = await m.query(
      `UPDATE deliveries SET status = $3, attempts = attempts + 1, last_attempt_at = $4, last_http_status = $5, last_error = $6,
              next_attempt_at = COALESCE($7, next_attempt_at), final_reason = $8, lease_token = NULL, lease_until = NULL, updated_at = $9
        WHERE id = $1 AND lease_token = $2 AND status = 'in_flight'
       RETURNING id`,
      [a.deliveryId, leaseToken, status, a.startedAt, a.httpStatus, a.error, nextAttemptAt, finalReason, now],
    );
    if (!rows.length) return false;
    await m.query(
      `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, http_status, error, response_snippet, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [a.deliveryId, a.attempt, a.startedAt, a.durationMs, a.httpStatus, a.error, a.snippet, a.outcome],
    );
    return true;
  }
}
