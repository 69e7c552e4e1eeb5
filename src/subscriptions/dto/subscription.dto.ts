import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { MEASURES, Measure } from '../../common/domain';
import type { Page } from '../../common/http/cursor';
import { SUBSCRIPTION_STATES, SubscriptionState } from '../subscription.entity';
import { MAX_URL_LENGTH } from '../url-guard';

// PATCH fields may be left out but not set to null: IsOptional would let null through to NOT NULL columns.
const Absent = () => ValidateIf((_: unknown, value: unknown) => value !== undefined);

export class CreateSubscriptionDto {
  /** Name of the subscribing agency, e.g. "市自然资源局". */
  @IsString() @Length(1, 200) agency: string;
  /** Restriction domains whose records the agency receives; at least one. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MEASURES.length) @ArrayUnique() @IsIn(MEASURES, { each: true }) domains: Measure[];
  /** Push endpoint: https to a public address, or any http(s) host listed in OUTBOUND_HTTP_ALLOW. */
  @IsString() @MaxLength(MAX_URL_LENGTH) url: string;
  /** The agency's API principal (role agency, not revoked), used for its queries and feedback. */
  @IsOptional() @IsUUID() principalId?: string;
  /** Pushes in flight at once to this endpoint, 1-100 (default `subscriptions.defaultMaxConcurrency`, 32). */
  @IsOptional() @IsInt() @Min(1) @Max(100) maxConcurrency?: number;
  /** Pushes per second to this endpoint, 1-10000 (default `subscriptions.defaultRatePerSecond`, 100). */
  @IsOptional() @IsInt() @Min(1) @Max(10000) ratePerSecond?: number;
}

export class UpdateSubscriptionDto {
  /** New agency name. */
  @Absent() @IsString() @Length(1, 200) agency?: string;
  /** New set of restriction domains; replaces the old one. */
  @Absent() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MEASURES.length) @ArrayUnique() @IsIn(MEASURES, { each: true }) domains?: Measure[];
  /** New push endpoint, checked like on creation. */
  @Absent() @IsString() @MaxLength(MAX_URL_LENGTH) url?: string;
  /** active receives pushes; paused and disabled hold them until it is active again (disabled records when and why). */
  @Absent() @IsIn(SUBSCRIPTION_STATES) state?: SubscriptionState;
  /** Pushes in flight at once, 1-100. */
  @Absent() @IsInt() @Min(1) @Max(100) maxConcurrency?: number;
  /** Pushes per second, 1-10000. */
  @Absent() @IsInt() @Min(1) @Max(10000) ratePerSecond?: number;
  /** The agency's API principal; null unlinks it. */
  @IsOptional() @IsUUID() principalId?: string | null;
}

export class ListSubscriptionsQueryDto {
  /** Cursor from the previous page's nextCursor. */
  @IsOptional() @IsString() cursor?: string;
  /** Page size, 1-500 (default 100). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class SubscriptionDto {
  id: string;
  /** Name of the subscribing agency. */
  agency: string;
  /** Restriction domains the agency receives records for. */
  domains: Measure[];
  /** Push endpoint. */
  url: string;
  /** active, paused or disabled. */
  state: SubscriptionState;
  /** The agency's API principal, if linked. */
  principalId: string | null;
  /** Pushes in flight at once. */
  maxConcurrency: number;
  /** Pushes per second. */
  ratePerSecond: number;
  /** Until when pushes also carry a signature with the rotated-out secret; null when no rotation is in progress. */
  previousSecretExpiresAt: string | null;
  /** When the subscription was disabled, by an operator or by the delivery engine. */
  disabledAt: string | null;
  /** Why it was disabled. */
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export class ChangedSubscriptionDto extends SubscriptionDto {
  /**
   * Deliveries this change added: a subscription that starts to want records (created, domains widened, active
   * again) is sent the current version of every record in force it wants and has not been sent.
   */
  backfilled: number;
}

export class CreatedSubscriptionDto extends ChangedSubscriptionDto {
  /** Signing secret `whsec_<base64>` for Standard Webhooks verification; shown only in this answer. */
  secret: string;
}

export class RotatedSecretDto {
  id: string;
  /** The new signing secret `whsec_<base64>`; shown only in this answer. */
  secret: string;
  /** Until when pushes also carry a signature with the previous secret. */
  previousSecretExpiresAt: string | null;
}

export class SubscriptionPageDto implements Page<SubscriptionDto> {
  /** Subscriptions, oldest first (secrets are never listed). */
  items: SubscriptionDto[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}
