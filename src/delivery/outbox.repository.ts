import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export const CREDIT_PLATFORM_TARGET = 'credit-platform';

export interface RoutedVersion {
  recordId: string;
  version: number;
  event: string;
  measures: readonly string[];
}

/**
 * The outbox: delivery rows written in the transaction that writes the record version (DESIGN invariant 1).
 * Sending them is the delivery engine's job; here they are only routed.
 */
@Injectable()
export class OutboxRepository {
  /**
   * A new record goes to the platform and to every subscription (not disabled) whose domains meet its measures.
   * The versions are new in this transaction, so no row can exist yet: a plain insert, not the costlier
   * ON CONFLICT path, for the million rows a large sweep writes.
   */
  async routeIssued(manager: EntityManager, versions: RoutedVersion[], at: Date): Promise<number> {
    if (!versions.length) return 0;
    const [{ count }] = await manager.query(
      `WITH v AS (
         SELECT * FROM unnest($1::char(26)[], $2::int[], $3::text[], $4::text[]) AS v(record_id, version, event, measures)
       ), ins AS (
         INSERT INTO deliveries (record_id, version, event, target, subscription_id, next_attempt_at, created_at, updated_at)
         SELECT v.record_id, v.version, v.event, $5, NULL::uuid, $6::timestamptz, $6::timestamptz, $6::timestamptz FROM v
         UNION ALL
         SELECT v.record_id, v.version, v.event, s.id::text, s.id, $6::timestamptz, $6::timestamptz, $6::timestamptz
           FROM v JOIN subscriptions s ON s.state <> 'disabled' AND s.domains && string_to_array(v.measures, ',')
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

  /** Amendments and revocations go to every target that was sent an earlier version (DESIGN invariant 5). */
  async routeFollowUp(manager: EntityManager, versions: Omit<RoutedVersion, 'measures'>[], at: Date): Promise<number> {
    if (!versions.length) return 0;
    const [{ count }] = await manager.query(
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
}
