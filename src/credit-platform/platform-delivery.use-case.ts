import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { AttemptRecorder, Success } from '../delivery/attempt-recorder';
import type { DeliverCommand } from '../delivery/deliver.use-case';
import type { DeliveryWork } from '../delivery/delivery.repository';
import { decide } from '../delivery/retry-policy';
import { ProofsService } from '../ledger/proofs.service';
import { DeliveryMetrics } from '../metrics/delivery-metrics';
import { recordOf } from '../records/records.repository';
import { CreditPlatformAdapter, PlatformItemResult } from './credit-platform.adapter';

/**
 * One batch to the national platform: one request, then each item's own outcome — accepted or duplicate is
 * delivered, rejected is dead with the platform's reason; when the whole request fails, every item follows
 * the retry policy and the platform's circuit counts one failure.
 */
@Injectable()
export class PlatformDeliveryUseCase {
  constructor(
    private readonly recorder: AttemptRecorder,
    private readonly platform: CreditPlatformAdapter,
    private readonly metrics: DeliveryMetrics,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly proofs: ProofsService,
  ) {}

  async execute(batch: { items: DeliverCommand[] }): Promise<void> {
    const held = await this.recorder.leased(batch.items);
    if (!held.length) return;
    if (!this.platform.enabled()) {
      await Promise.all(held.map((h) => this.recorder.release(h.work, h.command.leaseToken)));
      return;
    }
    const records = held.map(({ work }) => recordOf(work.jws));
    const inclusions = await this.proofs.forPushes(records.map((r) => r.ledger.seq));
    const startedAt = this.clock.now();
    const pushed = await this.platform.pushBatch(
      held.map(({ work }, i) => ({ type: work.event, record: records[i], jws: work.jws, inclusion: inclusions.get(records[i].ledger.seq)! })),
    );
    if (pushed.kind === 'failure') {
      for (const [i, { work, command }] of held.entries()) {
        const attempt = work.attempts + 1;
        const decision = decide(pushed.outcome, attempt, this.config.delivery, this.clock.now());
        this.metrics.observeAttempt(work.target, decision.action, pushed.durationMs / 1000);
        await this.recorder.failed(work, command.leaseToken, attempt, startedAt, pushed, decision, { circuit: i === 0 });
      }
      return;
    }
    const results = new Map(pushed.results.map((r) => [`${r.recordId}/${r.version}`, r]));
    const successes: Success[] = [];
    const settled = await Promise.allSettled(
      held.map(({ work, command }) =>
        this.recordItem(work, command.leaseToken, startedAt, pushed.status, pushed.durationMs, results.get(`${work.recordId}/${work.version}`), successes),
      ),
    );
    await this.recorder.delivered(successes);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** An accepted or duplicate item is added to `successes` for the caller to record; anything else is recorded here. */
  private async recordItem(
    work: DeliveryWork,
    leaseToken: string,
    startedAt: Date,
    httpStatus: number,
    durationMs: number,
    result: PlatformItemResult | undefined,
    successes: Success[],
  ): Promise<void> {
    const attempt = work.attempts + 1;
    if (result?.status === 'accepted' || result?.status === 'duplicate') {
      this.metrics.observeAttempt(work.target, 'delivered', durationMs / 1000);
      const snippet = JSON.stringify(result);
      successes.push({ work, leaseToken, attempt: { deliveryId: work.id, attempt, startedAt, durationMs, httpStatus, error: null, snippet, outcome: 'delivered' } });
      return;
    }
    // A rejection is the platform's final word on this item; an item it left out is tried again.
    const outcome = { kind: 'network' as const, error: result ? `rejected: ${result.reason ?? 'no reason given'}` : 'the platform returned no result for this item' };
    const decision = result
      ? { action: 'dead' as const, signal: 'up' as const, reason: `rejected by the platform: ${result.reason ?? 'no reason given'}` }
      : decide(outcome, attempt, this.config.delivery, this.clock.now());
    this.metrics.observeAttempt(work.target, decision.action, durationMs / 1000);
    await this.recorder.failed(work, leaseToken, attempt, startedAt, { outcome, durationMs, snippet: result ? JSON.stringify(result) : null }, decision, {
      circuit: false,
    });
  }
}
