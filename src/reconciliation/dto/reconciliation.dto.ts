import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsNotBlank } from '../../common/validation/decorators';

export class StartReconciliationDto {
  /** `credit-platform`, or a subscription id to reconcile that agency through its receipts and feedback. */
  @IsString() @MaxLength(100) @IsNotBlank() target: string;
}

export class ReconciliationItemsQueryDto {
  /** Cursor from the previous answer's nextCursor, for the next page of items. */
  @IsOptional() @IsString() cursor?: string;
  /** Items per page, 1-5000 (default 1000). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(5000) limit?: number;
}

export class ListReconciliationsQueryDto {
  /** Cursor from the previous page's nextCursor. */
  @IsOptional() @IsString() cursor?: string;
  /** Runs per page, 1-200 (default 50). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export class ReconciliationCountsDto {
  /** Records both sides agree on (for an agency: delivered records it has answered). */
  matched: number;
  /** Held here, absent on the platform (for an agency: in force, meant for it, never received): the current version is sent. */
  missingRemote: number;
  /** The platform (or agency) holds an older version or different content: the current version is sent again. */
  staleRemote: number;
  /** Revoked here, active on the platform (for an agency: received, revocation not received): the revocation is sent again. */
  revokedLocally: number;
  /** On the platform, unknown here: flagged for operators, nothing is touched. */
  unknownRemote: number;
  /** Platform runs: items the listing returned, repeats included (so far while running). */
  listed?: number;
  /** Deliveries made due by this run. */
  repaired?: number;
  /** Agency runs: delivered records with no feedback within reconciliation.feedbackDueDays (督办). */
  noFeedback?: number;
  /** Agency runs: delivered records still inside the feedback period. */
  awaitingFeedback?: number;
  /** Agency runs: deliveries to the agency that gave up (dead) and that no repair made due again. */
  undelivered?: number;
}

export class ReconciliationItemDto {
  /** missingRemote, staleRemote, revokedLocally, unknownRemote, noFeedback or undelivered. */
  kind: string;
  recordId: string;
  /** The gateway's version concerned (the current one; for undelivered, the version that was not delivered). */
  localVersion: number | null;
  /** The platform's version, or the version the agency received; null when it holds none. */
  remoteVersion: number | null;
  /** redeliver, send_revocation, in_flight (left to the attempt under way), flag, follow_up or operator_review. */
  action: string;
}

export class ReconciliationSummaryDto {
  id: string;
  /** `credit-platform` or a subscription id. */
  target: string;
  /** running, done or failed. */
  status: 'running' | 'done' | 'failed';
  /** api (an operator) or schedule (the nightly run). */
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  /** So far while running; final when done. */
  counts: ReconciliationCountsDto;
  /** Why the run failed; null otherwise. */
  error: string | null;
}

export class ReconciliationDto extends ReconciliationSummaryDto {
  /** One page of the differences found, in the order found. */
  items: ReconciliationItemDto[];
  /** Pass as `cursor` for the next page of items; null at the end. */
  nextCursor: string | null;
}
