import { OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsInstant } from '../../audit/dto/is-instant';
import { BULK_RETRY_STATUSES, DELIVERY_STATUSES, DeliveryStatus } from '../../delivery/delivery-status';
import { IsNotBlank } from '../../common/validation/decorators';
import type { Page } from '../../common/http/cursor';
import { statusList } from './status-list';

export class ListDeliveriesQueryDto {
  /** One status or a comma list: pending, in_flight, delivered, failed, dead, cancelled. */
  @IsOptional() @Transform(({ value }) => statusList(value)) @IsArray() @ArrayMaxSize(6) @IsIn(DELIVERY_STATUSES, { each: true }) status?: DeliveryStatus[];
  /** `credit-platform` or a subscription id. */
  @IsOptional() @IsString() @MaxLength(100) target?: string;
  /** Deliveries created at or after this instant (ISO 8601 with offset). */
  @IsOptional() @IsInstant() since?: string;
  /** Deliveries created before this instant (ISO 8601 with offset). */
  @IsOptional() @IsInstant() until?: string;
  /** HTTP status of the last attempt. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(100) @Max(599) httpStatus?: number;
  /** Text the last error contains (case-insensitive). */
  @IsOptional() @IsString() @Length(1, 200) error?: string;
  /** Only deliveries of this record (ULID). */
  @IsOptional() @Matches(/^[0-9A-HJKMNP-TV-Z]{26}$/i, { message: 'must be a record id (26-character ULID)' }) recordId?: string;
  /** Cursor from the previous page's nextCursor. */
  @IsOptional() @IsString() cursor?: string;
  /** Page size, 1-500 (default 100). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class CancelDeliveryDto {
  /** Why it is not to be sent; kept as the delivery's final reason and in the audit trail. */
  @IsString() @Length(1, 500) @IsNotBlank() reason: string;
  /**
   * Later versions of the record to the same target (an amendment, a revocation) wait until this one is
   * delivered, so cancelling it holds them back. `true` lets them go without it (default false).
   */
  @IsOptional() @IsBoolean() releaseLaterVersions?: boolean;
}

export class DeliveryDto {
  /** Also the `webhook-id` of every push of this delivery. */
  id: string;
  recordId: string;
  version: number;
  /** sanction.issued, sanction.amended or sanction.revoked. */
  event: string;
  /** `credit-platform` or a subscription id. */
  target: string;
  status: DeliveryStatus;
  /** Attempts made so far. */
  attempts: number;
  /** When the next attempt is due (pending and failed). */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastHttpStatus: number | null;
  lastError: string | null;
  /** Why it stopped: exhausted, refused, or the operator's cancel reason. */
  finalReason: string | null;
  /** Cancelled, and later versions of the record may go to the target without it. */
  laterVersionsReleased: boolean;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export class AttemptDto {
  attempt: number;
  /** When it started (ISO 8601). */
  at: string;
  durationMs: number;
  /** The receiver's HTTP status; null when no answer came. */
  httpStatus: number | null;
  error: string | null;
  /** The start of the receiver's answer. */
  responseSnippet: string | null;
  /** delivered, retry or dead. */
  outcome: string;
}

export class SignedRecordDto {
  /** The record version this delivery carries (the JWS payload). */
  record: Record<string, unknown>;
  /** Its compact JWS. */
  jws: string;
}

export class HoldingDeliveryDto {
  id: string;
  version: number;
  status: DeliveryStatus;
}

export class DeliveryDetailDto extends OmitType(DeliveryDto, ['attempts'] as const) {
  /** Every attempt, first to last. */
  attempts: AttemptDto[];
  /** The signed record version sent; null if it cannot be found. */
  record: SignedRecordDto | null;
  /** Earlier versions of the record to this target that must be delivered (or released) before this one goes. */
  heldBehind: HoldingDeliveryDto[];
}

export class BulkRetryFilterDto {
  /** dead, failed or cancelled, one or a list (default dead). */
  @IsOptional() @Transform(({ value }) => statusList(value)) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(3) @IsIn(BULK_RETRY_STATUSES, { each: true }) status?: Array<(typeof BULK_RETRY_STATUSES)[number]>;
  /** `credit-platform` or a subscription id. */
  @IsOptional() @IsString() @MaxLength(100) target?: string;
  /** Deliveries created at or after this instant (ISO 8601 with offset). */
  @IsOptional() @IsInstant() since?: string;
  /** Deliveries created before this instant (ISO 8601 with offset). */
  @IsOptional() @IsInstant() until?: string;
  /** HTTP status of the last attempt. */
  @IsOptional() @IsInt() @Min(100) @Max(599) httpStatus?: number;
  /** Text the last error contains (case-insensitive). */
  @IsOptional() @IsString() @Length(1, 200) error?: string;
}

export class BulkRetryDto {
  /** Which deliveries to send again; `{}` means every dead delivery. */
  @IsDefined() @ValidateNested() @Type(() => BulkRetryFilterDto) filter: BulkRetryFilterDto;
}

export class JobAcceptedDto {
  /** Follow it at GET /v1/ops/jobs/{jobId}. */
  jobId: string;
}

export class BulkJobDto {
  id: string;
  /** What the job does (`delivery.bulk_retry`). */
  kind: string;
  /** The filter it was given, with defaults filled in. */
  filter: Record<string, unknown>;
  /** queued, running, done or failed. */
  status: 'queued' | 'running' | 'done' | 'failed';
  /** Rows matching the filter when the job started; null before. */
  total: number | null;
  /** Rows changed so far. Rows someone else changed meanwhile are skipped, so it may end below total. */
  processed: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export class TargetHealthDto {
  /** `credit-platform` or a subscription id. */
  target: string;
  /** The subscription's agency (absent for the platform). */
  agency?: string;
  /** The subscription's state (absent for the platform). */
  state?: string;
  /** When the subscription was disabled, if it is. */
  disabledAt?: string | null;
  /** closed, open or half_open. */
  circuit: string;
  consecutiveFailures: number;
  /** Delivered attempts over all attempts in the last 24 hours; null when there were none. */
  successRate24h: number | null;
  /** Attempts that delivered in the last 24 hours. */
  delivered24h: number;
  /** Attempts that failed in the last 24 hours. */
  failed24h: number;
  /** Creation time of the oldest delivery still waiting to be sent (pending or failed). */
  oldestPendingAt: string | null;
}

export class DeliveryPageDto implements Page<DeliveryDto> {
  /** Deliveries, newest first. */
  items: DeliveryDto[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

export class TargetsOverviewDto {
  /** One entry per target: the national platform (`credit-platform`) and every subscription. */
  items: TargetHealthDto[];
}
