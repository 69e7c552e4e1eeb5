import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { decodeCursor, encodeCursor, isIsoInstant, Page } from '../../common/http/cursor';
import { MetricsRegistry } from '../../metrics/metrics.registry';
import { AlertDto, AlertKind, ListAlertsQueryDto } from './alerts.dto';
import { AlertsRepository, StoredAlert } from './alerts.repository';

/** Operator alerts: stored in ops_alerts (the AlertSender posts them on) and counted for Prometheus. */
@Injectable()
export class AlertsService {
  private readonly raised: Counter<'kind'>;

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly clock: Clock,
    registry: MetricsRegistry,
  ) {
    this.raised = new Counter({ name: 'gateway_alerts_total', help: 'Operator alerts raised, by kind', labelNames: ['kind'], registers: [registry] });
  }

  /** Stored in the caller's transaction when a manager is given, so an alert exists only if its cause committed. */
  async raise(manager: EntityManager | null, kind: AlertKind, target: string, deliveryId: string | null, details: object): Promise<string> {
    const id = await this.alerts.insert(manager, { kind, target, deliveryId, at: this.clock.now(), details });
    this.raised.inc({ kind });
    return id;
  }

  async list(query: ListAlertsQueryDto): Promise<Page<AlertDto>> {
    const limit = query.limit ?? 100;
    const cursor = decodeCursor(query.cursor, 2, ([at, id]) => isIsoInstant(at) && typeof id === 'string' && /^\d{1,18}$/.test(id));
    const rows = await this.alerts.list({
      kind: query.kind,
      since: query.since,
      before: cursor ? { at: String(cursor[0]), id: String(cursor[1]) } : undefined,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items: items.map(toAlertDto), nextCursor: rows.length > limit ? encodeCursor([last.at.toISOString(), last.id]) : null };
  }
}

export function toAlertDto(a: StoredAlert): AlertDto {
  return {
    id: a.id,
    kind: a.kind as AlertKind,
    target: a.target,
    deliveryId: a.delivery_id,
    at: a.at.toISOString(),
    details: a.details,
    sentAt: a.sent_at ? a.sent_at.toISOString() : null,
  };
}
