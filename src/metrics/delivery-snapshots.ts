import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/config.schema';
import { runsScheduledJobs } from '../config/runtime-roles';
import { REDIS } from '../redis/redis.module';
import { MetricsRepository } from './metrics.repository';

export interface DeliverySnapshot {
  counts: Array<{ status: string; target: string; n: number }>;
  /** When the oldest delivery still pending or failed was created; null when there is none. */
  oldestWaitingSince: string | null;
}

/**
 * The deliveries' gauges count the whole table, which at millions of rows is no query to run per scrape. One
 * scheduler instance counts every `metrics.refreshMs` and leaves the figures in Redis for every instance's
 * scrapes; an instance that finds none there counts itself, at most once per period, however many scrape it.
 */
@Injectable()
export class DeliverySnapshots implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliverySnapshots.name);
  private readonly key: string;
  private timer: NodeJS.Timeout | undefined;
  private local: { snapshot: DeliverySnapshot; at: number } | null = null;
  private counting: Promise<DeliverySnapshot> | null = null;

  constructor(
    private readonly repository: MetricsRepository,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    this.key = `${config.redis.keyPrefix}:metrics:deliveries`;
  }

  onApplicationBootstrap(): void {
    if (!runsScheduledJobs(this.config)) return;
    this.timer = setInterval(() => void this.share(), this.config.metrics.refreshMs);
    this.timer.unref();
    void this.share();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The latest figures: the shared ones when Redis has them, else this instance's own. */
  async read(): Promise<DeliverySnapshot> {
    try {
      const shared = await this.redis.get(this.key);
      if (shared) return JSON.parse(shared) as DeliverySnapshot;
    } catch (e) {
      this.logger.warn({ msg: 'metrics: shared delivery figures not read; counting here', error: (e as Error).message });
    }
    if (this.local && Date.now() - this.local.at < this.config.metrics.refreshMs) return this.local.snapshot;
    return this.count();
  }

  /** Counts and shares, unless another instance took this period's turn. */
  private async share(): Promise<void> {
    const period = this.config.metrics.refreshMs;
    try {
      if ((await this.redis.set(`${this.key}:turn`, '1', 'PX', period, 'NX')) !== 'OK') return;
      const snapshot = await this.count();
      await this.redis.set(this.key, JSON.stringify(snapshot), 'PX', 4 * period);
    } catch (e) {
      this.logger.warn({ msg: 'metrics: delivery figures not refreshed', error: (e as Error).message });
    }
  }

  private count(): Promise<DeliverySnapshot> {
    this.counting ??= (async () => {
      const [counts, since] = await Promise.all([this.repository.deliveryCounts(), this.repository.oldestWaitingSince()]);
      const snapshot = { counts, oldestWaitingSince: since?.toISOString() ?? null };
      this.local = { snapshot, at: Date.now() };
      return snapshot;
    })().finally(() => (this.counting = null));
    return this.counting;
  }
}
