import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { IsInstant } from '../../audit/dto/is-instant';

export const BUCKET_SIZES = ['1m', '1h', '1d'] as const;
export type Bucket = (typeof BUCKET_SIZES)[number];

export class DeliveryStatsQueryDto {
  /** Start (ISO 8601 with offset), rounded down to the bucket; by default 3 hours (1m), 48 hours (1h) or 30 days (1d) before `until`. */
  @IsOptional() @IsInstant() since?: string;
  /** End (ISO 8601 with offset), rounded up to the bucket; now by default, and never later than now. */
  @IsOptional() @IsInstant() until?: string;
  /** 1m (up to 1440 buckets), 1h (default; up to 1488) or 1d (days of the jurisdiction's time zone; up to 400). */
  @IsOptional() @IsIn(BUCKET_SIZES) bucket?: Bucket;
  /** One target: a subscription id or `credit-platform`; every target together when omitted. */
  @IsOptional() @IsString() @Length(1, 100) target?: string;
}

export class StatsBucketDto {
  /** Start of the bucket. */
  start: string;
  /** Attempts that delivered. */
  delivered: number;
  /** Attempts that failed and will be retried. */
  failed: number;
  /** Attempts after which the delivery gave up (dead). */
  dead: number;
  /** Median latency of the bucket's attempts, in ms (within 10%); null when there were none. */
  p50Ms: number | null;
  /** 99th percentile latency, in ms (within 10%); null when there were none. */
  p99Ms: number | null;
}

export class CircuitOpeningDto {
  target: string;
  /** When the target's circuit opened (after delivery.circuit.failureThreshold failures in a row). */
  openedAt: string;
}

export class StatsTargetDto {
  target: string;
  circuit: 'closed' | 'open' | 'half_open';
  /** When the circuit last opened; null while closed. */
  circuitOpenedAt: string | null;
  /** When the target's oldest delivery still waiting (pending or failed) was created, as of the latest count (metrics.refreshMs). */
  oldestPendingSince: string | null;
  /** Its age now, in ms. */
  oldestPendingAgeMs: number | null;
}

export class DeliveryStatsDto {
  bucket: Bucket;
  since: string;
  until: string;
  /** The target asked for; null for every target together. */
  target: string | null;
  /** Attempts before this instant are read from the rollups, those after it from the attempts themselves. */
  rolledUntil: string;
  /** Every bucket from since to until, oldest first, empty ones included. */
  items: StatsBucketDto[];
  /** Circuit openings in the range (at most 1000), to mark on the time axis. */
  circuitOpenings: CircuitOpeningDto[];
  /** Every target that has failed or has deliveries waiting (or only the one asked for): its circuit and queue age now. */
  targets: StatsTargetDto[];
}
