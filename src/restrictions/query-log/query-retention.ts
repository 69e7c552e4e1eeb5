import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/config.schema';
import { runsScheduledJobs } from '../../config/runtime-roles';
import { RestrictionQueriesRepository } from './restriction-queries.repository';

const DAY_MS = 86_400_000;

/**
 * Deletes query audit rows past the retention period, in batches so that no statement holds many locks.
 * Scheduler instances run it on an interval; two running at once only share the work.
 */
@Injectable()
export class QueryRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueryRetention.name);
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly queries: RestrictionQueriesRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!runsScheduledJobs(this.config)) return;
    this.timer = setInterval(() => void this.scheduled(), this.config.restrictions.auditCleanupIntervalMs);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Deletes every row older than the retention period; returns how many. */
  async purge(): Promise<number> {
    const { auditRetentionDays, auditCleanupBatch } = this.config.restrictions;
    const cutoff = new Date(this.clock.now().getTime() - auditRetentionDays * DAY_MS);
    let total = 0;
    for (;;) {
      const n = await this.queries.deleteBefore(cutoff, auditCleanupBatch);
      total += n;
      if (n < auditCleanupBatch) return total;
    }
  }

  private async scheduled(): Promise<void> {
    // An interval shorter than a large first purge must not start a second one beside it.
    if (this.running) return;
    this.running = true;
    try {
      const deleted = await this.purge();
      if (deleted) this.logger.log({ msg: 'restriction query audit purged', deleted });
    } catch (e) {
      this.logger.error({ msg: 'restriction query audit purge failed', error: (e as Error).message });
    } finally {
      this.running = false;
    }
  }
}
