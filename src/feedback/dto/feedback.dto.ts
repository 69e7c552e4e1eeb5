import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { IsInstant } from '../../audit/dto/is-instant';
import { MEASURES, Measure } from '../../common/domain';
import { IsCivilDate, IsNotBlank } from '../../common/validation/decorators';
import { FEEDBACK_ACTIONS, FeedbackAction } from '../feedback-actions';

export const RECORD_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export class SubmitFeedbackDto {
  /** The record reported on (its 26-character ULID). */
  @Matches(RECORD_ID, { message: 'must be a record id (26-character ULID)' }) recordId: string;
  /** One of the caller's domains that the record restricts. */
  @IsIn(MEASURES) domain: Measure;
  /** restriction_applied, restriction_lifted, no_matter_pending or other (then `note` says what). */
  @IsIn(FEEDBACK_ACTIONS) action: FeedbackAction;
  /** The day it happened, YYYY-MM-DD in the jurisdiction's time zone; not in the future. */
  @IsCivilDate() occurredOn: string;
  /** The agency's own case or document number. */
  @IsOptional() @IsString() @Length(1, 200) @IsNotBlank() reference?: string;
  /** Free text; required when action is `other`. */
  @ValidateIf((o: SubmitFeedbackDto) => o.action === 'other' || o.note !== undefined) @IsString() @Length(1, 2000) @IsNotBlank() note?: string;
}

export class ListFeedbackQueryDto {
  /** Only this agency's entries: its API principal id. An agency key sees only its own anyway. */
  @IsOptional() @IsUUID() agency?: string;
  /** Entries recorded at or after this instant (ISO 8601 with offset). */
  @IsOptional() @IsInstant() since?: string;
  /** Cursor from the previous page's nextCursor. */
  @IsOptional() @IsString() cursor?: string;
  /** Page size, 1-500 (default 100). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class RecordFeedbackQueryDto {
  /** Cursor from the previous page's nextCursor. */
  @IsOptional() @IsString() cursor?: string;
  /** Page size, 1-500 (default 100). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class FeedbackDto {
  id: string;
  recordId: string;
  /** The reporting agency's API principal id. */
  agencyId: string;
  /** The reporting agency's name (its principal's). */
  agency: string;
  /** The agency's subscription, when its principal is linked to one. */
  subscriptionId: string | null;
  domain: string;
  action: string;
  occurredOn: string;
  reference: string | null;
  note: string | null;
  /** When the gateway recorded it (ISO 8601). */
  createdAt: string;
}
