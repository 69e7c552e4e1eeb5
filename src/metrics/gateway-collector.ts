import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { Clock } from '../common/clock';
import { DELIVERIES_QUEUE, OPS_QUEUE } from '../queue/queue.constants';
import { DeliverySnapshots } from './delivery-snapshots';
import { MetricsRegistry } from './metrics.registry';

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed', 'paused'] as const;
// A scrape must answer even when Redis does not; queue depth is then left out of that scrape.
const QUEUE_TIMEOUT_MS = 2000;

/**
 * Gauges every instance reports alike: the deliveries' figures as the latest shared count has them (see
 * DeliverySnapshots), queue depth from BullMQ when Prometheus scrapes.
 */
@Injectable()
export class GatewayCollector {
  private readonly logger = new Logger(GatewayCollector.name);

  constructor(
    registry: MetricsRegistry,
    private readonly snapshots: DeliverySnapshots,
    private readonly clock: Clock,
    @InjectQueue(DELIVERIES_QUEUE) deliveries: Queue,
    @InjectQueue(OPS_QUEUE) ops: Queue,
  ) {
    const self = this;
    new Gauge({
      name: 'gateway_deliveries',
      help: 'Deliveries by status and target',
      labelNames: ['status', 'target'],
      registers: [registry],
      async collect() {
        this.reset();
        const snapshot = await self.guard('delivery counts', () => self.snapshots.read());
        for (const row of snapshot?.counts ?? []) this.set({ status: row.status, target: row.target }, row.n);
      },
    });
    new Gauge({
      name: 'gateway_oldest_pending_seconds',
      help: 'Age of the oldest delivery still pending or failed (0 when none)',
      registers: [registry],
      async collect() {
        this.reset();
        const snapshot = await self.guard('oldest pending', () => self.snapshots.read());
        const since = snapshot?.oldestWaitingSince;
        if (snapshot) this.set(since ? Math.max(0, (self.clock.now().getTime() - Date.parse(since)) / 1000) : 0);
      },
    });
    new Gauge({
      name: 'gateway_queue_jobs',
      help: 'BullMQ jobs by queue and state',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const queue of [deliveries, ops]) {
          const counts = await self.jobCounts(queue);
          for (const state of JOB_STATES) if (counts) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }
      },
    });
  }

  /** A failing read leaves its series out of this scrape instead of failing the whole scrape. */
  private async guard<T>(what: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (e) {
      this.logger.warn({ msg: `metrics: ${what} not read`, error: (e as Error).message });
      return undefined;
    }
  }

  private async jobCounts(queue: Queue): Promise<Record<string, number> | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), QUEUE_TIMEOUT_MS);
    });
    try {
      const counts = await Promise.race([queue.getJobCounts(...JOB_STATES), timeout]);
      if (!counts) this.logger.warn({ msg: 'queue depth not read in time', queue: queue.name });
      return counts;
    } catch (e) {
      this.logger.warn({ msg: 'queue depth not read', queue: queue.name, error: (e as Error).message });
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
