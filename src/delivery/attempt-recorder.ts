import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { DeliveryMetrics } from '../metrics/delivery-metrics';
import { AlertsService } from '../ops/alerts/alerts.service';
import { AttemptRecord, DeliveryRepository, DeliveryWork } from './delivery.repository';
import type { SendResult } from './http-sender';
import { MicroBatcher } from './micro-batch';
import type { RetryDecision } from './retry-policy';

export interface Success {
  work: DeliveryWork;
  attempt: AttemptRecord;
  leaseToken: string;
}

/**
 * Loads leased deliveries and records what their attempts came to: the outcome, the target's circuit, the
 * operator alerts. Successes of concurrent attempts share one transaction, and reads share one query: at
 * thousands of pushes a second the database, not HTTP, would otherwise set the pace.
 */
@Injectable()
export class AttemptRecorder {
  private readonly logger = new Logger(AttemptRecorder.name);
  private readonly loader = new MicroBatcher<string, DeliveryWork | null>((ids) => this.loadMany(ids), 200, 2);
  private readonly successes = new MicroBatcher<Success, void>((items) => this.recordSuccesses(items), 200, 5);

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly alerts: AlertsService,
    private readonly metrics: DeliveryMetrics,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** The delivery when the lease is still the caller's; null when another claim superseded it. */
  async leased(deliveryId: string, leaseToken: string): Promise<DeliveryWork | null> {
    const work = await this.loader.add(deliveryId);
    return work && work.status === 'in_flight' && work.leaseToken === leaseToken ? work : null;
  }

  release(work: DeliveryWork, leaseToken: string): Promise<void> {
    return this.deliveries.release(work.id, leaseToken, this.clock.now());
  }

  delivered(success: Success): Promise<void> {
    return this.successes.add(success);
  }

  private async loadMany(ids: string[]): Promise<Array<DeliveryWork | null>> {
    const rows = new Map((await this.deliveries.loadMany(ids)).map((w) => [w.id, w]));
    return ids.map((id) => rows.get(id) ?? null);
  }

  private async recordSuccesses(items: Success[]): Promise<void[]> {
    const now = this.clock.now();
    const { failingAfterAttempts, circuit } = this.config.delivery;
    await this.deliveries.dataSource.transaction(async (m) => {
      const marked = await this.deliveries.finishDelivered(m, items, now);
      for (const target of new Set(items.map((i) => i.work.target))) {
        await this.deliveries.recordTargetResult(m, target, true, now, circuit.failureThreshold);
        this.metrics.setCircuit(target, false);
      }
      for (const { work, attempt } of items) {
        if (marked.has(work.id) && attempt.attempt > failingAfterAttempts) {
          await this.alerts.raise(m, 'delivery.recovered', work.target, work.id, { recordId: work.recordId, version: work.version, attempt: attempt.attempt });
        }
      }
    });
    return items.map(() => undefined);
  }

  /** A failed attempt: retry or give up, move the circuit, raise alerts, maybe disable the subscription. */
  async failed(
    work: DeliveryWork,
    leaseToken: string,
    attempt: number,
    startedAt: Date,
    result: SendResult,
    decision: RetryDecision,
    options: { circuit: boolean } = { circuit: true },
  ): Promise<void> {
    const now = this.clock.now();
    const { delivery } = this.config;
    const outcome = result.outcome;
    const httpStatus = outcome.kind === 'response' ? outcome.status : null;
    const error = outcome.kind === 'network' ? outcome.error : outcome.kind === 'timeout' ? 'timeout' : httpStatus! >= 300 ? `HTTP ${httpStatus}` : null;
    await this.deliveries.dataSource.transaction(async (m) => {
      const held = await this.deliveries.finish(
        m,
        { deliveryId: work.id, attempt, startedAt, durationMs: result.durationMs, httpStatus, error, snippet: result.snippet, outcome: decision.action },
        leaseToken,
        {
          status: decision.action === 'retry' ? 'failed' : 'dead',
          nextAttemptAt: decision.action === 'retry' ? new Date(now.getTime() + (decision.delayMs ?? 0)) : undefined,
          finalReason: decision.action === 'dead' ? decision.reason : undefined,
        },
        now,
      );
      if (!held) return;
      // A failed batch is one failure of its target, not one per item in it.
      const health = options.circuit
        ? await this.deliveries.recordTargetResult(m, work.target, false, now, delivery.circuit.failureThreshold)
        : { circuit: 'unchanged', failingSince: null };
      if (options.circuit) this.metrics.setCircuit(work.target, health.circuit !== 'closed');
      const details = { recordId: work.recordId, version: work.version, attempt, httpStatus, error };
      if (attempt === delivery.failingAfterAttempts && decision.action === 'retry') {
        await this.alerts.raise(m, 'delivery.failing', work.target, work.id, details);
      }
      if (decision.action === 'dead') await this.alerts.raise(m, 'delivery.exhausted', work.target, work.id, { ...details, reason: decision.reason });
      const failingTooLong =
        health.failingSince && now.getTime() - new Date(health.failingSince).getTime() >= delivery.disableAfterHours * 3_600_000;
      if (work.subscriptionId && (decision.disableTarget || failingTooLong)) {
        const reason = decision.disableTarget ? 'the endpoint answered 410 Gone' : `failing since ${new Date(health.failingSince!).toISOString()}`;
        if (await this.deliveries.disableSubscription(m, work.subscriptionId, reason, now)) {
          await this.alerts.raise(m, 'subscription.disabled', work.target, work.id, { subscriptionId: work.subscriptionId, reason });
          this.logger.warn({ msg: 'subscription disabled', subscriptionId: work.subscriptionId, reason });
        }
      }
    });
  }
}
