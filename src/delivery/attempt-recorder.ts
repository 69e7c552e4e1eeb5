import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { DeliveryMetrics } from '../metrics/delivery-metrics';
import { AlertsService } from '../ops/alerts/alerts.service';
import { SubscriptionsRepository } from '../subscriptions/subscriptions.repository';
import { AttemptRecord, DeliveryRepository, DeliveryWork } from './delivery.repository';
import type { DeliverCommand } from './deliver.use-case';
import type { SendResult } from './http-sender';
import type { RetryDecision } from './retry-policy';
import { TargetHealthRepository } from './target-health.repository';

export interface Leased {
  command: DeliverCommand;
  work: DeliveryWork;
}

export interface Success {
  work: DeliveryWork;
  attempt: AttemptRecord;
  leaseToken: string;
}

/** Successes written by one statement at most. */
const SUCCESS_GROUP = 200;
/**
 * How long a success waits for others to share its statement. At thousands of pushes a second a statement per
 * push would make the database, not HTTP, set the pace; a few milliseconds more per outcome cost nothing.
 */
const SUCCESS_WINDOW_MS = 10;
/** A write that fails (the database restarting) is tried again with growing pauses up to this one. */
const MAX_PAUSE_MS = 2000;

/**
 * Loads leased deliveries and records what their attempts came to: the outcome, the target's circuit, the
 * operator alerts. Successes are written in groups: those that arrive within a few milliseconds of each other,
 * or while the previous group is being written, share one statement.
 */
@Injectable()
export class AttemptRecorder {
  private readonly logger = new Logger(AttemptRecorder.name);
  private queued: Array<{ success: Success; done: (error?: Error) => void }> = [];
  private writing = false;
  private window: NodeJS.Timeout | undefined;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly health: TargetHealthRepository,
    private readonly subscriptions: SubscriptionsRepository,
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
    return this.persist(() => this.deliveries.release(work.id, leaseToken, this.clock.now()));
  }

  /** One successful attempt; resolves once it is written, together with whatever else succeeded meanwhile. */
  succeeded(success: Success): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ success, done: (error) => (error ? reject(error) : resolve()) });
      if (this.writing) return;
      if (this.queued.length >= SUCCESS_GROUP) {
        clearTimeout(this.window);
        this.window = undefined;
        void this.writeQueued();
      } else {
        this.window ??= setTimeout(() => {
          this.window = undefined;
          void this.writeQueued();
        }, SUCCESS_WINDOW_MS);
      }
    });
  }

  /** Successful attempts, marked delivered together; targets that had been failing are healthy again. */
  delivered(items: Success[]): Promise<void> {
    return items.length ? this.persist(() => this.markDelivered(items)) : Promise.resolve();
  }

  private async markDelivered(items: Success[]): Promise<void> {
    const now = this.clock.now();
    const after = this.config.delivery.failingAfterAttempts;
    const recovering = items.filter((i) => i.attempt.attempt > after);
    if (!recovering.length) {
      await this.deliveries.succeed(items, now);
    } else {
      // The alert must not outlive a mark that rolled back, nor be lost after a mark that held.
      await this.deliveries.dataSource.transaction(async (m) => {
        const marked = await this.deliveries.succeed(items, now, m);
        for (const { work, attempt } of recovering) {
          if (!marked.has(work.id)) continue;
          await this.alerts.raise(m, 'delivery.recovered', work.target, work.id, { recordId: work.recordId, version: work.version, attempt: attempt.attempt });
        }
      });
    }
    for (const target of new Set(items.map((i) => i.work.target))) this.metrics.setCircuit(target, false);
  }

  /** A failed attempt: retry or give up, move the circuit, raise alerts, maybe disable the subscription. */
  failed(
    work: DeliveryWork,
    leaseToken: string,
    attempt: number,
    startedAt: Date,
    result: SendResult,
    decision: RetryDecision,
    options: { circuit: boolean } = { circuit: true },
  ): Promise<void> {
    const outcome = result.outcome;
    const httpStatus = outcome.kind === 'response' ? outcome.status : null;
    const error = outcome.kind === 'network' || outcome.kind === 'refused' ? outcome.error : outcome.kind === 'timeout' ? 'timeout' : httpStatus! >= 300 ? `HTTP ${httpStatus}` : null;
    const record: AttemptRecord = { deliveryId: work.id, attempt, startedAt, durationMs: result.durationMs, httpStatus, error, snippet: result.snippet, outcome: decision.action };
    return this.persist(() => this.recordFailure(work, leaseToken, record, decision, options.circuit));
  }

  private async recordFailure(work: DeliveryWork, leaseToken: string, record: AttemptRecord, decision: RetryDecision, circuit: boolean): Promise<void> {
    const now = this.clock.now();
    const { delivery } = this.config;
    await this.deliveries.dataSource.transaction(async (m) => {
      const held =
        decision.action === 'retry'
          ? await this.deliveries.fail(m, record, leaseToken, new Date(now.getTime() + (decision.delayMs ?? 0)), now)
          : await this.deliveries.dead(m, record, leaseToken, decision.reason ?? 'dead', now);
      if (!held) return;
      // A failed batch is one failure of its target, not one per item in it.
      let failingSince: Date | null = null;
      if (circuit && decision.signal === 'down') {
        const health = await this.health.recordFailure(m, work.target, now, delivery.circuit.failureThreshold);
        failingSince = health.failingSince;
        this.metrics.setCircuit(work.target, health.circuit !== 'closed');
      } else if (circuit && decision.signal === 'up') {
        await this.health.answered(m, work.target);
        this.metrics.setCircuit(work.target, false);
      }
      const details = { recordId: work.recordId, version: work.version, attempt: record.attempt, httpStatus: record.httpStatus, error: record.error };
      if (record.attempt === delivery.failingAfterAttempts && decision.action === 'retry') {
        await this.alerts.raise(m, 'delivery.failing', work.target, work.id, details);
      }
      if (decision.action === 'dead') await this.alerts.raise(m, 'delivery.exhausted', work.target, work.id, { ...details, reason: decision.reason });
      const failingTooLong = failingSince && now.getTime() - new Date(failingSince).getTime() >= delivery.disableAfterHours * 3_600_000;
      if (work.subscriptionId && (decision.disableTarget || failingTooLong)) {
        const reason = decision.disableTarget ? 'the endpoint answered 410 Gone' : `failing since ${new Date(failingSince!).toISOString()}`;
        if (await this.subscriptions.disableFailing(m, work.subscriptionId, reason, now)) {
          await this.alerts.raise(m, 'subscription.disabled', work.target, work.id, { subscriptionId: work.subscriptionId, reason });
          this.logger.warn({ msg: 'subscription disabled', subscriptionId: work.subscriptionId, reason });
        }
      }
    });
  }

  private async writeQueued(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queued.length) {
        const group = this.queued.splice(0, SUCCESS_GROUP);
        const error = await this.delivered(group.map((q) => q.success)).then(
          () => undefined,
          (e: Error) => e,
        );
        for (const q of group) q.done(error);
      }
    } finally {
      this.writing = false;
    }
  }

  /**
   * Runs an outcome's write, again and again while the database is away (a restart, a failover), for up to half
   * a lease: an outcome recorded late beats a push sent twice. Each write checks the lease, so repeating one
   * that did land changes nothing.
   */
  private async persist(write: () => Promise<void>): Promise<void> {
    const giveUpAt = Date.now() + this.config.delivery.leaseMs / 2;
    for (let pause = 100; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
      try {
        return await write();
      } catch (e) {
        if (Date.now() + pause > giveUpAt) throw e;
        this.logger.warn({ msg: 'could not record a push outcome; trying again', error: (e as Error).message });
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }
}
