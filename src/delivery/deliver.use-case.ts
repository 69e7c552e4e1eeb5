import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { Inclusion, ProofsService } from '../ledger/proofs.service';
import { DeliveryMetrics } from '../metrics/delivery-metrics';
import { recordOf } from '../records/records.repository';
import { SUBSCRIPTION_SECRET_PURPOSE } from '../secrets/purposes';
import { SecretBox } from '../secrets/secret-box';
import { signingSecrets } from '../subscriptions/subscription.mapper';
import { UrlGuard, UrlNotAllowed, UrlUnresolvable } from '../subscriptions/url-guard';
import { AttemptRecorder } from './attempt-recorder';
import type { DeliveryWork } from './delivery.repository';
import { HttpSender, SendResult } from './http-sender';
import { PushPool } from './push-pool';
import { DeliveryRelay } from './relay.service';
import { decide } from './retry-policy';
import { webhookBody } from './webhook-body';
import { signWebhook } from './webhook-signature';

export interface DeliverCommand {
  deliveryId: string;
  leaseToken: string;
}

/**
 * One attempt of each of a job's deliveries to an agency. Each push runs in a slot of the push pool and
 * records its own outcome the moment it answers (successes are written in small groups, see AttemptRecorder),
 * so a push that hangs until the timeout delays nothing but itself. Only the lease holder records.
 */
@Injectable()
export class DeliverUseCase {
  constructor(
    private readonly recorder: AttemptRecorder,
    private readonly sender: HttpSender,
    private readonly urlGuard: UrlGuard,
    private readonly pushes: PushPool,
    private readonly relay: DeliveryRelay,
    private readonly metrics: DeliveryMetrics,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly proofs: ProofsService,
    private readonly secrets: SecretBox,
  ) {}

  /**
   * Resolves once every push of the job has started; their outcomes are recorded as they come. Every push
   * carries its record's inclusion proof; without one (the log halted) nothing is sent and the leases run out.
   */
  async execute(commands: DeliverCommand[]): Promise<void> {
    const held = await this.recorder.leased(commands);
    const seqs = held.map(({ work }) => recordOf(work.jws).ledger.seq);
    const inclusions = await this.proofs.forPushes(seqs);
    for (const [i, { work, command }] of held.entries()) {
      await this.pushes.start(() => this.attempt(work, command.leaseToken, inclusions.get(seqs[i])!));
    }
  }

  private async attempt(work: DeliveryWork, leaseToken: string, inclusion: Inclusion): Promise<void> {
    try {
      if (!work.url || work.state !== 'active') return await this.recorder.release(work, leaseToken);
      const startedAt = this.clock.now();
      const result = await this.pushOnce(work, work.url, startedAt, inclusion);
      const attempt = work.attempts + 1;
      const decision = decide(result.outcome, attempt, this.config.delivery, this.clock.now());
      this.metrics.observeAttempt(work.target, decision.action, result.durationMs / 1000);
      if (decision.action === 'delivered' && result.outcome.kind === 'response') {
        const { durationMs, snippet } = result;
        await this.recorder.succeeded({
          work,
          leaseToken,
          attempt: { deliveryId: work.id, attempt, startedAt, durationMs, httpStatus: result.outcome.status, error: null, snippet, outcome: 'delivered' },
        });
      } else {
        await this.recorder.failed(work, leaseToken, attempt, startedAt, result, decision);
      }
    } finally {
      // A slot of the target is free: the relay need not wait for its timer to fill it.
      this.relay.notify();
    }
  }

  /**
   * Checks the address again (DNS may have changed since the subscription was saved), then pushes. A host that
   * does not resolve now is a network error, tried again later; one that resolves to an internal address is
   * refused for good.
   */
  private async pushOnce(work: DeliveryWork, url: string, startedAt: Date, inclusion: Inclusion): Promise<SendResult> {
    const problem = await this.urlGuard.assertSendable(url).then(
      () => null,
      (e: Error) => e,
    );
    if (problem instanceof UrlUnresolvable) return { outcome: { kind: 'network', error: problem.reason }, durationMs: 0, snippet: null };
    if (problem) return { outcome: { kind: 'refused', error: problem instanceof UrlNotAllowed ? problem.reason : problem.message }, durationMs: 0, snippet: null };
    return this.push(work, url, startedAt, inclusion);
  }

  private push(work: DeliveryWork, url: string, startedAt: Date, inclusion: Inclusion): Promise<SendResult> {
    // Encoded once: the same bytes are signed and sent.
    const body = Buffer.from(webhookBody(work.event, work.jws, inclusion));
    const headers = signWebhook({
      id: work.id,
      timestamp: Math.floor(startedAt.getTime() / 1000),
      body,
      secrets: signingSecrets(
        {
          secret: this.secrets.open(work.secret!, SUBSCRIPTION_SECRET_PURPOSE),
          previousSecret: work.previousSecret && this.secrets.open(work.previousSecret, SUBSCRIPTION_SECRET_PURPOSE),
          previousSecretExpiresAt: work.previousSecretExpiresAt,
        },
        startedAt,
      ),
    });
    return this.sender.send(url, body, headers, this.config.delivery.timeoutMs);
  }
}
