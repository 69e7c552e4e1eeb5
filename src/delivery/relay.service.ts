import { InjectQueue } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { REDIS } from '../redis/redis.module';
import { Claimed, DeliveryRepository, TargetAllowance } from './delivery.repository';
import { DELIVERIES_QUEUE, DeliveryJobs, PLATFORM_QUEUE, PlatformJobs } from './delivery-jobs';
import { CREDIT_PLATFORM_TARGET } from './targets';

/**
 * Moves due deliveries from the PostgreSQL outbox into the queue. Each claim takes a lease; a delivery
 * whose lease runs out (a killed worker, a flushed Redis) is claimed again, so the queue can always be
 * rebuilt from the database (DESIGN invariant 6).
 */
@Injectable()
export class DeliveryRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryRelay.name);
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly deliveries: DeliveryRepository,
    @InjectQueue(DELIVERIES_QUEUE) private readonly queue: Queue<DeliveryJobs['deliver']>,
    @InjectQueue(PLATFORM_QUEUE) private readonly platformQueue: Queue<PlatformJobs['deliver-batch']>,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runtime.roles.includes('worker')) return;
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
  }

  /** Called when a slot frees up (a push answered), so the next claim does not wait for the timer. */
  notify(): void {
    this.wake?.();
  }

  /** Claims every due platform delivery now (the platform sync); returns how many were leased. */
  async flushPlatform(): Promise<number> {
    if (!this.config.creditPlatform.secret) return 0;
    let total = 0;
    for (;;) {
      const claimed = await this.tick([{ target: CREDIT_PLATFORM_TARGET, allow: 1_000_000 }]);
      total += claimed;
      if (claimed === 0) return total;
    }
  }

  /** One claim round; exposed for tests and tools. Returns how many deliveries were leased. */
  async tick(only?: TargetAllowance[]): Promise<number> {
    const { delivery, creditPlatform } = this.config;
    const allowances = only ?? (await this.allowances());
    const claimed = await this.deliveries.claim(
      this.clock.now(),
      {
        leaseMs: delivery.leaseMs,
        batch: delivery.claimBatch,
        cooldownMs: delivery.circuit.cooldownMs,
        probes: delivery.circuit.halfOpenProbes,
        platformCap: creditPlatform.batchSize * creditPlatform.maxConcurrency,
      },
      allowances,
    );
    if (!claimed.length) return 0;
    const toPlatform = claimed.filter((c) => c.target === CREDIT_PLATFORM_TARGET);
    const toAgencies = claimed.filter((c) => c.target !== CREDIT_PLATFORM_TARGET);
    if (toAgencies.length) await this.queue.addBulk(chunksByTarget(toAgencies, delivery.jobBatch).map((items) => ({
      name: 'deliver',
      data: { items: items.map((c) => ({ deliveryId: c.id, leaseToken: c.leaseToken })) },
      opts: { jobId: `${items[0].id}.${items[0].leaseToken}` },
    })));
    // The platform takes records in batches: one job, one request, per batch.
    for (let i = 0; i < toPlatform.length; i += creditPlatform.batchSize) {
      const items = toPlatform.slice(i, i + creditPlatform.batchSize).map((c) => ({ deliveryId: c.id, leaseToken: c.leaseToken }));
      await this.platformQueue.add('deliver-batch', { items }, { jobId: `batch.${items[0].leaseToken}` });
    }
    await this.spend(claimed);
    return claimed.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.tick();
      } catch (e) {
        // Nothing is lost: unclaimed rows stay due and claimed ones come back when their lease ends.
        this.logger.error({ msg: 'relay round failed', error: (e as Error).message });
      }
      if (claimed < this.config.delivery.claimBatch) {
        await this.pause();
        // Completions arrive in bursts; a moment's wait lets one claim refill many slots.
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.config.delivery.relayIntervalMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  /** Rate limits per target, shared by every instance through a per-second counter in Redis. */
  private async allowances(): Promise<TargetAllowance[]> {
    const targets = await this.deliveries.activeTargets();
    // Without its secret the connector cannot sign, so the platform's deliveries wait.
    if (this.config.creditPlatform.secret) targets.push({ target: CREDIT_PLATFORM_TARGET, ratePerSecond: 1_000_000 });
    if (!targets.length) return [];
    const second = Math.floor(Date.now() / 1000);
    const used = await this.redis.mget(targets.map((t) => this.rateKey(t.target, second)));
    return targets
      .map((t, i) => ({ target: t.target, allow: Math.max(0, t.ratePerSecond - Number(used[i] ?? 0)) }))
      .filter((a) => a.allow > 0);
  }

  private rateKey(target: string, second: number): string {
    return `${this.config.redis.keyPrefix}:rate:${target}:${second}`;
  }

  private async spend(claimed: Claimed[]): Promise<void> {
    const second = Math.floor(Date.now() / 1000);
    const counts = new Map<string, number>();
    for (const c of claimed) counts.set(c.target, (counts.get(c.target) ?? 0) + 1);
    const pipeline = this.redis.pipeline();
    for (const [target, n] of counts) pipeline.incrby(this.rateKey(target, second), n).expire(this.rateKey(target, second), 5);
    await pipeline.exec();
  }
}

/** Groups claims by target into jobs of at most `size`, so one slow target never holds up another's job. */
export function chunksByTarget(claimed: Claimed[], size: number): Claimed[][] {
  const byTarget = new Map<string, Claimed[]>();
  for (const c of claimed) byTarget.set(c.target, [...(byTarget.get(c.target) ?? []), c]);
  const chunks: Claimed[][] = [];
  for (const list of byTarget.values()) for (let i = 0; i < list.length; i += size) chunks.push(list.slice(i, i + size));
  return chunks;
}
