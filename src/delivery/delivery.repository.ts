import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryPrepared } from '../database/prepared';
import { CREDIT_PLATFORM_TARGET } from './outbox.repository';

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

/** Marks successes delivered, records their attempts and closes their targets' circuits (see `finishDelivered`). */
const FINISH_DELIVERED = `WITH v AS (
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

/** The delivery engine's reads and writes of the outbox. PostgreSQL is the truth; the queue only carries ids. */
@Injectable()
export class DeliveryRepository {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  /**
   * Leases due deliveries (and those whose lease expired) to this relay. Per target it never exceeds the
   * subscription's concurrency cap (counted across every instance) or its rate allowance; a target whose
   * circuit is open gets nothing until the cool-down ends, then one probe. A later version of a record waits
   * until the earlier ones reached that target (DESIGN invariant 5). The credit platform has its own connector.
   */
  async claim(
    now: Date,
    leaseMs: number,
    batch: number,
    cooldownMs: number,
    allowances: TargetAllowance[],
    platformCap: number,
  ): Promise<Claimed[]> {
    if (!allowances.length) return [];
    return queryPrepared<Claimed>(
      this.dataSource,
      'deliveries.claim',
      `WITH inflight AS (
         SELECT target, count(*)::int AS n FROM deliveries
          WHERE status = 'in_flight' AND lease_until >= $1 AND target = ANY($5::text[]) GROUP BY target
       ), room AS (
         SELECT a.target,
                LEAST(a.allow, COALESCE(s.max_concurrency, $7) - COALESCE(i.n, 0),
                      CASE WHEN COALESCE(h.circuit, 'closed') = 'closed' THEN 2147483647 ELSE 1 - COALESCE(i.n, 0) END) AS n
           FROM unnest($5::text[], $6::int[]) AS a(target, allow)
           LEFT JOIN subscriptions s ON a.target <> '${CREDIT_PLATFORM_TARGET}' AND s.id::text = a.target
           LEFT JOIN target_health h ON h.target = a.target
           LEFT JOIN inflight i ON i.target = a.target
          WHERE (a.target = '${CREDIT_PLATFORM_TARGET}' OR s.state = 'active')
            AND (COALESCE(h.circuit, 'closed') = 'closed' OR h.opened_at <= $1::timestamptz - make_interval(secs => $4::float8 / 1000))
       ), picked AS (
         SELECT c.id FROM room r CROSS JOIN LATERAL (
           SELECT u.id FROM (
             (SELECT d.id, d.next_attempt_at AS due, d.record_id, d.version FROM deliveries d
               WHERE d.target = r.target AND d.status IN ('pending', 'failed') AND d.next_attempt_at <= $1
               ORDER BY d.next_attempt_at LIMIT GREATEST(r.n, 0))
             UNION ALL
             (SELECT d.id, d.lease_until AS due, d.record_id, d.version FROM deliveries d
               WHERE d.target = r.target AND d.status = 'in_flight' AND d.lease_until < $1
               ORDER BY d.lease_until LIMIT GREATEST(r.n, 0))
           ) u
           WHERE NOT EXISTS (
             SELECT 1 FROM deliveries e
              WHERE e.record_id = u.record_id AND e.target = r.target AND e.version < u.version
                AND e.status NOT IN ('delivered', 'cancelled'))
           ORDER BY u.due LIMIT GREATEST(r.n, 0)
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
      [now, leaseMs, batch, cooldownMs, allowances.map((a) => a.target), allowances.map((a) => a.allow), platformCap],
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

  /** Gives a lease back without an attempt (the target was paused meanwhile). */
  async release(id: string, leaseToken: string, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE deliveries SET status = 'pending', lease_token = NULL, lease_until = NULL, updated_at = $3
        WHERE id = $1 AND lease_token = $2 AND status = 'in_flight'`,
      [id, leaseToken, now],
    );
  }

  /**
   * Records an attempt's outcome, only while the caller still holds the lease: a delivery whose lease was
   * taken over elsewhere is never marked twice. Returns false when the lease was lost.
   */
  async finish(
    m: EntityManager,
    a: AttemptRecord,
    leaseToken: string,
    next: { status: 'delivered' | 'failed' | 'dead'; nextAttemptAt?: Date; finalReason?: string },
    now: Date,
  ): Promise<boolean> {
    const [rows] = await m.query(
      `UPDATE deliveries SET status = $3, attempts = attempts + 1, last_attempt_at = $4, last_http_status = $5, last_error = $6,
              next_attempt_at = COALESCE($7, next_attempt_at), final_reason = $8,
              delivered_at = CASE WHEN $3 = 'delivered' THEN $9::timestamptz ELSE delivered_at END,
              lease_token = NULL, lease_until = NULL, updated_at = $9
        WHERE id = $1 AND lease_token = $2 AND status = 'in_flight'
       RETURNING id`,
      [a.deliveryId, leaseToken, next.status, a.startedAt, a.httpStatus, a.error, next.nextAttemptAt ?? null, next.finalReason ?? null, now],
    );
    if (!rows.length) return false;
    await m.query(
      `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, http_status, error, response_snippet, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [a.deliveryId, a.attempt, a.startedAt, a.durationMs, a.httpStatus, a.error, a.snippet, a.outcome],
    );
    return true;
  }

  /**
   * Records successful attempts in one statement; as in `finish`, only rows whose lease the caller still
   * holds change. Their targets' circuits close. Returns the ids that were marked. Inside a transaction when
   * `m` is given.
   */
  async finishDelivered(items: Array<{ attempt: AttemptRecord; leaseToken: string }>, now: Date, m?: EntityManager): Promise<Set<string>> {
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
    const rows: Array<{ delivery_id: string }> = m
      ? await m.query(FINISH_DELIVERED, values)
      : await queryPrepared(this.dataSource, 'deliveries.finish-delivered', FINISH_DELIVERED, values);
    return new Set(rows.map((r) => r.delivery_id));
  }

  /** Counts a failed attempt against the target's circuit; returns the new state and how long it has been failing. */
  async recordTargetFailure(
    m: EntityManager,
    target: string,
    now: Date,
    threshold: number,
  ): Promise<{ circuit: string; consecutiveFailures: number; failingSince: Date | null }> {
    const [row] = await m.query(
      `INSERT INTO target_health AS h (target, circuit, consecutive_failures, opened_at, failing_since, last_failure_at)
       VALUES ($1, CASE WHEN $3 > 1 THEN 'closed' ELSE 'open' END, 1, CASE WHEN $3 > 1 THEN NULL ELSE $2::timestamptz END, $2, $2)
       ON CONFLICT (target) DO UPDATE SET
         consecutive_failures = h.consecutive_failures + 1,
         circuit = CASE WHEN h.circuit <> 'closed' OR h.consecutive_failures + 1 >= $3 THEN 'open' ELSE 'closed' END,
         opened_at = CASE WHEN h.circuit <> 'closed' OR h.consecutive_failures + 1 >= $3 THEN $2::timestamptz ELSE h.opened_at END,
         failing_since = COALESCE(h.failing_since, $2::timestamptz),
         last_failure_at = $2::timestamptz
       RETURNING circuit, consecutive_failures AS "consecutiveFailures", failing_since AS "failingSince"`,
      [target, now, threshold],
    );
    return row;
  }

  /** Disables a subscription the engine gave up on; returns false when it was not active. */
  async disableSubscription(m: EntityManager, id: string, reason: string, now: Date): Promise<boolean> {
    const [rows] = await m.query(
      `UPDATE subscriptions SET state = 'disabled', disabled_at = $3, disabled_reason = $2, updated_at = $3
        WHERE id = $1 AND state <> 'disabled' RETURNING id`,
      [id, reason, now],
    );
    return rows.length > 0;
  }
}
