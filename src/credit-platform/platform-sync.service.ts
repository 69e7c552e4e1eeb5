import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config.schema';
import { runsScheduledJobs } from '../config/runtime-roles';
import { DeliveryRelay } from '../delivery/relay.service';

const SYNC_LOCK = 0x504c_4154; // "PLAT"

/**
 * The platform sync: hands every due platform delivery to the platform workers now. The relay does the same
 * continuously; the sync is the scheduled (and on-demand) sweep that guarantees nothing waits past it.
 */
@Injectable()
export class PlatformSyncService implements OnApplicationBootstrap {
  private readonly logger = new Logger(PlatformSyncService.name);

  constructor(
    private readonly relay: DeliveryRelay,
    private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    if (!runsScheduledJobs(this.config)) return;
    const job = CronJob.from({
      cronTime: this.config.creditPlatform.syncCron,
      timeZone: this.config.jurisdiction.timeZone,
      onTick: () => this.scheduled(),
      waitForCompletion: true,
    });
    this.registry.addCronJob('credit-platform-sync', job);
    job.start();
  }

  async run(): Promise<{ enabled: boolean; claimed: number }> {
    return { enabled: this.config.creditPlatform.secret !== '', claimed: await this.relay.flushPlatform() };
  }

  private async scheduled(): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [SYNC_LOCK]);
      if (!locked) return;
      try {
        const { claimed } = await this.run();
        if (claimed) this.logger.log({ msg: 'platform sync', claimed });
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [SYNC_LOCK]);
      }
    } catch (e) {
      this.logger.error({ msg: 'platform sync failed', error: (e as Error).message });
    } finally {
      await runner.release();
    }
  }
}
