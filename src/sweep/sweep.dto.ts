import { IsISO8601, IsOptional } from 'class-validator';
import type { SweepCounts } from './sweep.service';

export class RunSweepDto {
  /** The instant the sweep acts as of (ISO 8601); now when omitted. Deadlines compare with its date in the jurisdiction's zone. */
  @IsOptional() @IsISO8601({ strict: true }) asOf?: string;
}

export class SweepCountsDto implements SweepCounts {
  /** Obligations in rectification, exit_ordered or notified whose deadline had passed as of the sweep's date. */
  examined: number;
  /** Obligations given a notice (告知) and moved to `notified`. */
  notified: number;
  /** Sanction records issued (notice period over). */
  sanctioned: number;
  /** Rectification deadlines missed and flagged for the department (`rectification_overdue`). */
  flagged: number;
  /** Records revoked after exit (credit repair). */
  revoked: number;
  /** Records revoked because the maximum publication period ended. */
  expired: number;
  /** Deliveries written to the outbox for the new record versions. */
  deliveries: number;
}

export class SweepResultDto extends SweepCountsDto {
  /** The sweep run's id. */
  runId: string;
  /** The instant the sweep acted as of (ISO 8601). */
  asOf: string;
}

export class SweepRunDto {
  /** The run's id. */
  id: string;
  /** The instant it acted as of. */
  asOf: string;
  /** What started it: `api` (POST /v1/ops/sweeps) or `cron` (the scheduler). */
  trigger: string;
  /** When it started. */
  startedAt: string;
  /** When it finished; null while running. */
  finishedAt: string | null;
  /** Its counts; null until it finished. */
  counts: SweepCountsDto | null;
  /** Why it failed, if it did. */
  error: string | null;
}

export class SweepRunsDto {
  /** The latest 20 runs, newest first. */
  items: SweepRunDto[];
}
