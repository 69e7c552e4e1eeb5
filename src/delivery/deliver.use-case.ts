import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { Inclusion, ProofsService } from '../ledger/proofs.service';
import { DeliveryMetrics } from '../metrics/delivery-metrics';
import { recordOf } from '../records/records.repository';
import { signingSecrets } from '../subscriptions/subscription.mapper';
import { UrlGuard } from '../subscriptions/url-guard';
import { AttemptRecorder, Success } from './attempt-recorder';
import type { DeliveryWork } from './delivery.repository';
import { HttpSender, SendResult } from './http-sender';
import { decide, RetryDecision } from './retry-policy';
import { webhookBody } from './webhook-body';
import { signWebhook } from './webhook-signature';

export interface DeliverCommand {
  deliveryId: string;
  leaseToken: string;
}

/**
 * One attempt of each of a job's deliveries to an agency: sign, push side by side, and record the outcomes.
 * Only the lease holder records. Successes are recorded together once every push has answered; a failure is
 * recorded on its own, with its retry, circuit and alerts.
 */
@Injectable()
export class DeliverUseCase {
  constructor(
    private readonly recorder: AttemptRecorder,
    private readonly sender: HttpSender,
    private readonly urlGuard: UrlGuard,
    private readonly metrics: DeliveryMetrics,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly proofs: ProofsService,
  ) {}

  /**
   * Rejects when any outcome could not be recorded, after recording every other one. Every push carries its
   * record's inclusion proof; without one (the log halted) nothing is sent and the leases run out.
   */
  async execute(commands: DeliverCommand[]): Promise<void> {
    const held = await this.recorder.leased(commands);
    const seqs = held.map(({ work }) => recordOf(work.jws).ledger.seq);
    const inclusions = await this.proofs.forPushes(seqs);
    const successes: Success[] = [];
    const settled = await Promise.allSettled(
      held.map(({ work, command }, i) => this.attempt(work, command.leaseToken, successes, inclusions.get(seqs[i])!)),
    );
    await this.recorder.delivered(successes);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Pushes once; a success is added to `successes` for the caller to record, anything else is recorded here. */
  private async attempt(work: DeliveryWork, leaseToken: string, successes: Success[], inclusion: Inclusion): Promise<void> {
    if (!work.url || work.state !== 'active') return this.recorder.release(work, leaseToken);
    const { startedAt, refusal, result } = await this.pushOnce(work, work.url, inclusion);
    const attempt = work.attempts + 1;
    const decision: RetryDecision = refusal
      ? { action: 'dead', reason: `url refused: ${refusal}` }
      : decide(result.outcome, attempt, this.config.delivery, this.clock.now());
    this.metrics.observeAttempt(work.target, decision.action, result.durationMs / 1000);
    if (decision.action === 'delivered' && result.outcome.kind === 'response') {
      const { durationMs, snippet } = result;
      successes.push({
        work,
        leaseToken,
        attempt: { deliveryId: work.id, attempt, startedAt, durationMs, httpStatus: result.outcome.status, error: null, snippet, outcome: 'delivered' },
      });
    } else {
      await this.recorder.failed(work, leaseToken, attempt, startedAt, result, decision);
    }
  }

  /** Checks the address again (DNS may have changed since the subscription was saved), then pushes. */
  private async pushOnce(work: DeliveryWork, url: string, inclusion: Inclusion): Promise<{ startedAt: Date; refusal: string | null; result: SendResult }> {
    const startedAt = this.clock.now();
    const refusal = await this.urlGuard.assertSendable(url).then(() => null, (e: Error) => e.message);
    const result: SendResult = refusal
      ? { outcome: { kind: 'network', error: `refused: ${refusal}` }, durationMs: 0, snippet: null }
      : await this.push(work, url, startedAt, inclusion);
    return { startedAt, refusal, result };
  }

  private push(work: DeliveryWork, url: string, startedAt: Date, inclusion: Inclusion): Promise<SendResult> {
    // Encoded once: the same bytes are signed and sent.
    const body = Buffer.from(webhookBody(work.event, work.jws, inclusion));
    const headers = signWebhook({
      id: work.id,
      timestamp: Math.floor(startedAt.getTime() / 1000),
      body,
      secrets: signingSecrets(
        { secret: work.secret!, previousSecret: work.previousSecret, previousSecretExpiresAt: work.previousSecretExpiresAt },
        startedAt,
      ),
    });
    return this.sender.send(url, body, headers, this.config.delivery.timeoutMs);
  }
}
