import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { DeliveryMetrics } from '../metrics/delivery-metrics';
import { signingSecrets } from '../subscriptions/subscription.mapper';
import { UrlGuard } from '../subscriptions/url-guard';
import { AttemptRecorder } from './attempt-recorder';
import type { DeliveryWork } from './delivery.repository';
import { HttpSender, SendResult } from './http-sender';
import { decide, RetryDecision } from './retry-policy';
import { webhookBody } from './webhook-body';
import { signWebhook } from './webhook-signature';

export interface DeliverCommand {
  deliveryId: string;
  leaseToken: string;
}

/** One attempt of one delivery to an agency: sign, push, and record the outcome. Only the lease holder records. */
@Injectable()
export class DeliverUseCase {
  constructor(
    private readonly recorder: AttemptRecorder,
    private readonly sender: HttpSender,
    private readonly urlGuard: UrlGuard,
    private readonly metrics: DeliveryMetrics,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async execute(command: DeliverCommand): Promise<void> {
    const work = await this.recorder.leased(command.deliveryId, command.leaseToken);
    if (!work) return;
    if (!work.url || work.state !== 'active') return this.recorder.release(work, command.leaseToken);
    const url = work.url;
    const startedAt = this.clock.now();
    const attempt = work.attempts + 1;
    // The address is checked again at send time: DNS may have changed since the subscription was saved.
    const refusal = await this.urlGuard.assertSendable(url).then(() => null, (e: Error) => e.message);
    const result: SendResult = refusal
      ? { outcome: { kind: 'network', error: `refused: ${refusal}` }, durationMs: 0, snippet: null }
      : await this.push(work, startedAt);
    const decision: RetryDecision = refusal
      ? { action: 'dead', reason: `url refused: ${refusal}` }
      : decide(result.outcome, attempt, this.config.delivery, this.clock.now());
    this.metrics.observeAttempt(work.target, decision.action, result.durationMs / 1000);
    if (decision.action === 'delivered' && result.outcome.kind === 'response') {
      await this.recorder.delivered({
        work,
        leaseToken: command.leaseToken,
        attempt: { deliveryId: work.id, attempt, startedAt, durationMs: result.durationMs, httpStatus: result.outcome.status, error: null, snippet: result.snippet, outcome: 'delivered' },
      });
    } else {
      await this.recorder.failed(work, command.leaseToken, attempt, startedAt, result, decision);
    }
  }

  private push(work: DeliveryWork, startedAt: Date): Promise<SendResult> {
    const body = webhookBody(work.event, work.jws);
    const headers = signWebhook({
      id: work.id,
      timestamp: Math.floor(startedAt.getTime() / 1000),
      body,
      secrets: signingSecrets(
        { secret: work.secret!, previousSecret: work.previousSecret, previousSecretExpiresAt: work.previousSecretExpiresAt },
        startedAt,
      ),
    });
    return this.sender.send(work.url!, body, headers, this.config.delivery.timeoutMs);
  }
}
