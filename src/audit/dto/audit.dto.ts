import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsInstant } from './is-instant';
import type { Page } from '../../common/http/cursor';

export class ListAuditQueryDto {
  /** Only this action, e.g. `delivery.retry` or `subscription.update`. */
  @IsOptional() @IsString() @MaxLength(100) action?: string;
  /** Only this kind of subject, e.g. `delivery`, `subscription`, `bulk_job`. */
  @IsOptional() @IsString() @MaxLength(100) subjectType?: string;
  /** Only this subject id. */
  @IsOptional() @IsString() @MaxLength(200) subjectId?: string;
  /** Entries at or after this instant (ISO 8601 with offset). */
  @IsOptional() @IsInstant() since?: string;
  /** Entries before this instant (ISO 8601 with offset). */
  @IsOptional() @IsInstant() until?: string;
  /** Cursor from the previous page's nextCursor. */
  @IsOptional() @IsString() cursor?: string;
  /** Page size, 1-500 (default 100). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class AuditActorDto {
  /** The principal's id; null for the gateway itself. */
  id: string | null;
  /** The principal's name, or `system`. */
  name: string;
}

export class AuditEntryDto {
  id: string;
  /** Who acted. */
  actor: AuditActorDto;
  /** What was done, e.g. `delivery.cancel`. */
  action: string;
  /** Kind of the thing acted on. */
  subjectType: string;
  /** Its id. */
  subjectId: string | null;
  /** When (ISO 8601). */
  at: string;
  /** Its state before, where it had one. */
  before: unknown;
  /** Its state after. */
  after: unknown;
  /** Anything else worth keeping (a reason, a filter, counts). */
  details: unknown;
}

export class AuditPageDto implements Page<AuditEntryDto> {
  /** Audit entries, newest first. */
  items: AuditEntryDto[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}
