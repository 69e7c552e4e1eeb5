import { OmitType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { IsInstant } from '../audit/dto/is-instant';
import type { PreviewItem, SweepAction } from './sweep.repository';
import type { SweepCounts, SweepPreview, SweepResult } from './sweep.service';

export class RunSweepDto {
  /**
   * The instant whose date decides which deadlines count as missed (ISO 8601 with offset); now when omitted.
   * Never later than now, unless dryRun is true.
   */
  @IsOptional() @IsInstant() asOf?: string;
  /** Answer what a sweep at asOf would do, with the obligations it would act on, and write nothing. */
  @IsOptional() @IsBoolean() dryRun?: boolean;
}

export class SweepCountsDto implements SweepCounts {
  /** Obligations in rectification, exit_ordered or notified whose deadline had passed as of the sweep's date. */
  examined: number;
  /** Obligations given a notice (告知) and moved to `notified`, dated today. */
  notified: number;
  /** Sanction records issued (notice period over), listed today. */
  sanctioned: number;
  /** Flags for the departments: missed rectification deadlines (`rectification_overdue`) plus overdue dismantling. */
  flagged: number;
  /** Of those, sealed exits whose time limit for dismantling passed without a dismantling report (`dismantling_overdue`). */
  dismantlingOverdue: number;
  /** Records revoked after exit (credit repair). */
  revoked: number;
  /** Records revoked because the maximum publication period ended. */
  expired: number;
  /** Deliveries written to the outbox for the new record versions. */
  deliveries: number;
}

export class SweepResultDto extends SweepCountsDto implements SweepResult {
  /** The sweep run's id. */
  runId: string;
  /** The instant whose date decided which deadlines were missed (ISO 8601). */
  asOf: string;
  /** The date every act of the sweep carries: today in the jurisdiction's zone. */
  actedOn: string;
}

export class SweepPreviewItemDto implements PreviewItem {
  /** flag_rectification_overdue, flag_dismantling_overdue, notify, sanction, revoke or expire. */
  action: SweepAction;
  obligationId: string;
  uscc: string;
  /** The record a revocation or expiry would end. */
  recordId: string | null;
}

export class SweepPreviewDto extends OmitType(SweepCountsDto, ['deliveries'] as const) implements SweepPreview {
  /** Always true: nothing was written. */
  dryRun: true;
  /** The instant previewed (any, earlier or later than now). */
  asOf: string;
  /** The obligations the sweep would act on, by action (the first 1,000). */
  affected: SweepPreviewItemDto[];
  /** True when more than 1,000 would be affected; the counts are always complete. */
  affectedTruncated: boolean;
}

export class SweepRunDto {
  /** The run's id. */
  id: string;
  /** The instant it evaluated deadlines as of. */
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
