import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsInstant } from '../../audit/dto/is-instant';
import type { Page } from '../../common/http/cursor';

export const ALERT_KINDS = ['delivery.failing', 'delivery.exhausted', 'delivery.recovered', 'subscription.disabled', 'ledger.integrity'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export class ListAlertsQueryDto {
  /** Only this kind: delivery.failing, delivery.exhausted, delivery.recovered, subscription.disabled or ledger.integrity. */
  @IsOptional() @IsIn(ALERT_KINDS) kind?: AlertKind;
  /** Alerts raised at or after this instant (ISO 8601 with offset). */
  @IsOptional() @IsInstant() since?: string;
  /** Cursor from the previous page's nextCursor. */
  @IsOptional() @IsString() cursor?: string;
  /** Page size, 1-500 (default 100). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class AlertDto {
  id: string;
  /** What happened. */
  kind: AlertKind;
  /** `credit-platform`, a subscription id, or `ledger` for the transparency log. */
  target: string;
  /** The delivery that raised it, if one did. */
  deliveryId: string | null;
  /** When it was raised (ISO 8601). */
  at: string;
  /** Counts, statuses and errors behind it. */
  details: Record<string, unknown>;
  /** When it was posted to the alert webhook; null while unsent or when no webhook is configured. */
  sentAt: string | null;
}

export class AlertPageDto implements Page<AlertDto> {
  /** Alerts, newest first. */
  items: AlertDto[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}
