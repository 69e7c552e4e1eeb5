import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { DeliveryMetrics } from '../metrics/delivery-metrics';
import { AlertsService } from '../ops/alerts/alerts.service';
import { AttemptRecord, DeliveryRepository, DeliveryWork } from './delivery.repository';
import type { DeliverCommand } from './deliver.use-case';
import type { SendResult } from './http-sender';
import type { RetryDecision } from './retry-policy';

export interface Leased {
  command: DeliverCommand;
  work: DeliveryWork;
}

export interface Success {
  work: DeliveryWork;
  attempt: AttemptRecord;
  leaseToken: string;
}

/**
 * Loads leased deliveries and records what their attempts came to: the outcome, the target's circuit, the
 * operator alerts. A job's deliveries are loaded by one query and its successes recorded by one statement:
 * at thousands of pushes a second the database, not HTTP, would otherwise set the pace.
 */
@Injectable()
export class AttemptRecorder {
  private readonly logger = new Logger(AttemptRecorder.name);

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly alerts: AlertsService,
    private readonly metrics: DeliveryMetrics,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** The deliveries whose lease is still the caller's, in the commands' order; a superseded claim is left out. */
  async leased(commands: DeliverCommand[]): Promise<Leased[]> {
    const rows = new Map((await this.deliveries.loadMany(commands.map((c) => c.deliveryId))).map((w) => [w.id, w]));
    const held: Leased[] = [];
    for (const command of commands) {
      const work = rows.get(command.deliveryId);
      if (work && work.status === 'in_flight' && work.leaseToken === command.leaseToken) held.push({ command, work });
    }
    return held;
  }

  release(work: DeliveryWork, leaseToken: string): Promise<void> {
    return this.deliveries.release(work.id, leaseToken, this.clock.now());
  }

  /** Successful attempts, marked delivered together; targets that had been failing are healthy again. */
  async delivered(items: Success[]): Promise<void> {
    if (!items.length) return;
    const now = this.clock.now();
    const after = this.config.delivery.failingAfterAttempts;
    const recovering = items.filter((i) => i.attempt.attempt > after);
    if (!recovering.length) {
      await this.deliveries.finishDelivered(items, now);
    } else {
      // The alert must not outlive a mark that rolled back, nor be lost after a mark that held.
      await this.deliveries.dataSource.transaction(async (m) => {
        const marked = await this.deliveries.finishDelivered(items, now, m);
        for (const { work, attempt } of recovering) {
          if (!marked.has(work.id)) continue;
          await this.alerts.raise(m, 'delivery.recovered', work.target, work.id, { recordId: work.recordId, version: work.version, attempt: attempt.attempt });
        }
      });
    }
    for (const target of new Set(items.map((i) => i.work.target))) this.metrics.setCircuit(target, false);
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
        ? await this.deliveries.recordTargetFailure(m, work.target, now, delivery.circuit.failureThreshold)
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
