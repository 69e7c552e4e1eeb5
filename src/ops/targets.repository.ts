import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CREDIT_PLATFORM_TARGET } from '../delivery/targets';

export interface TargetRow {
  target: string;
  agency: string | null;
  state: string | null;
  disabled_at: Date | null;
  is_platform: boolean;
  circuit: string;
  consecutive_failures: number;
  delivered: number;
  failed: number;
  oldest_pending_at: Date | null;
}

@Injectable()
export class TargetsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The platform, then every subscription; a target without health or attempts gets closed and zeros. */
  overview(attemptsSince: Date): Promise<TargetRow[]> {
    return this.dataSource.query(
      `WITH targets AS (
         SELECT $1::text AS target, NULL::text AS agency, NULL::text AS state, NULL::timestamptz AS disabled_at, true AS is_platform, NULL::timestamptz AS created_at
         UNION ALL
         SELECT id::text, agency, state, disabled_at, false, created_at FROM subscriptions
       ), attempts AS (
         SELECT d.target, count(*) FILTER (WHERE a.outcome = 'delivered')::int AS delivered, count(*) FILTER (WHERE a.outcome <> 'delivered')::int AS failed
           FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
          WHERE a.started_at >= $2
          GROUP BY d.target
       ), waiting AS (
         SELECT target, min(created_at) AS oldest FROM deliveries WHERE status IN ('pending', 'failed') GROUP BY target
       )
       SELECT t.target, t.agency, t.state, t.disabled_at, t.is_platform,
              COALESCE(h.circuit, 'closed') AS circuit, COALESCE(h.consecutive_failures, 0) AS consecutive_failures,
              COALESCE(a.delivered, 0) AS delivered, COALESCE(a.failed, 0) AS failed, w.oldest AS oldest_pending_at
         FROM targets t
         LEFT JOIN target_health h ON h.target = t.target
         LEFT JOIN attempts a ON a.target = t.target
         LEFT JOIN waiting w ON w.target = t.target
        ORDER BY t.is_platform DESC, t.created_at, t.target`,
      [CREDIT_PLATFORM_TARGET, attemptsSince],
    );
  }
}
