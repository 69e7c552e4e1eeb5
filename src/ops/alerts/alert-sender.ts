import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/config.schema';
import { AlertsRepository } from './alerts.repository';
import { toAlertDto } from './alerts.service';

const INTERVAL_MS = 5000;
const BATCH = 100;
const POST_TIMEOUT_MS = 5000;

/**
 * Posts unsent alerts, oldest first, as `{"alerts": [...]}` to delivery.alertWebhookUrl. A failed post leaves
 * them unsent for the next round. Runs in worker processes only.
 */
@Injectable()
export class AlertSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertSender.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly alerts: AlertsRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.delivery.alertWebhookUrl || !this.config.runtime.roles.includes('worker')) return;
    this.timer = setInterval(() => {
      this.flush().catch((e) => this.logger.warn({ msg: 'alerts not posted; retrying next round', error: (e as Error).message }));
    }, INTERVAL_MS);
    this.timer.unref();
  }

  // Before the database pool closes, so a round in progress can finish marking what it posted.
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Posts everything unsent now, batch by batch; answers how many were posted. One round at a time per process. */
  flush(): Promise<number> {
    this.running ??= this.sendAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sendAll(): Promise<number> {
    const url = this.config.delivery.alertWebhookUrl;
    if (!url) return 0;
    let total = 0;
    for (;;) {
      const sent = await this.alerts.sendOldest(BATCH, this.clock.now(), (rows) => this.post(url, rows.map(toAlertDto)));
      total += sent;
      if (sent < BATCH) return total;
    }
  }

  private async post(url: string, alerts: unknown[]): Promise<void> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ alerts }),
      signal: AbortSignal.timeout(POST_TIMEOUT_MS),
    });
    // The body is not needed; reading it releases the connection.
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`alert webhook answered ${res.status}`);
  }
}
