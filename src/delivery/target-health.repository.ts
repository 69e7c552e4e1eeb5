import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface TargetHealth {
  circuit: string;
  consecutiveFailures: number;
  failingSince: Date | null;
}

/**
 * Each target's circuit and failure clock (a subscription id or credit-platform). Successes close the circuit
 * in the statement that marks them (DeliveryRepository.succeed); the rest is here.
 */
@Injectable()
export class TargetHealthRepository {
  /**
   * Counts an availability failure (network, timeout, 429, 5xx): `threshold` in a row open the circuit, and
   * one while it is open or half-open opens it again for a new cool-down.
   */
  async recordFailure(m: EntityManager, target: string, now: Date, threshold: number): Promise<TargetHealth> {
    // A closed circuit opens when its failures in a row reach the threshold: that moment is kept for the charts.
    const [row] = await m.query(
      `WITH h AS (
       INSERT INTO target_health AS h (target, circuit, consecutive_failures, opened_at, failing_since, last_failure_at)
       VALUES ($1, CASE WHEN $3 > 1 THEN 'closed' ELSE 'open' END, 1, CASE WHEN $3 > 1 THEN NULL ELSE $2::timestamptz END, $2, $2)
       ON CONFLICT (target) DO UPDATE SET
         consecutive_failures = h.consecutive_failures + 1,
         circuit = CASE WHEN h.circuit <> 'closed' OR h.consecutive_failures + 1 >= $3 THEN 'open' ELSE 'closed' END,
         opened_at = CASE WHEN h.circuit <> 'closed' OR h.consecutive_failures + 1 >= $3 THEN $2::timestamptz ELSE h.opened_at END,
         failing_since = COALESCE(h.failing_since, $2::timestamptz),
         last_failure_at = $2::timestamptz
       RETURNING circuit, consecutive_failures, failing_since
       ), opening AS (
         INSERT INTO circuit_openings (target, opened_at)
         SELECT $1, $2 FROM h WHERE h.circuit = 'open' AND h.consecutive_failures = $3
       )
       SELECT circuit, consecutive_failures AS "consecutiveFailures", failing_since AS "failingSince" FROM h`,
      [target, now, threshold],
    );
    return row;
  }

  /**
   * The target answered with a decision of its own (a 4xx): it is up, whatever it thought of this delivery,
   * so a failure run ends and an open circuit closes. A healthy target's row is not touched.
   */
  async answered(m: EntityManager, target: string): Promise<void> {
    await m.query(
      `UPDATE target_health SET circuit = 'closed', consecutive_failures = 0, opened_at = NULL, failing_since = NULL
        WHERE target = $1 AND (circuit <> 'closed' OR consecutive_failures > 0)`,
      [target],
    );
  }
}
