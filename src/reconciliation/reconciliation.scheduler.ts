import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { AppConfig } from '../config/config.schema';
import { runsScheduledJobs } from '../config/runtime-roles';
import { CREDIT_PLATFORM_TARGET } from '../delivery/targets';
import { ReconciliationRepository } from './reconciliation.repository';
import { ReconciliationService } from './reconciliation.service';

/** The nightly platform reconciliation (creditPlatform.reconcileCron), once across all instances. */
@Injectable()
export class ReconciliationScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReconciliationScheduler.name);

  constructor(
    private readonly reconciliations: ReconciliationService,
    private readonly runs: ReconciliationRepository,
    private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!runsScheduledJobs(this.config)) return;
    const job = CronJob.from({
      cronTime: this.config.creditPlatform.reconcileCron,
      timeZone: this.config.jurisdiction.timeZone,
      onTick: () => this.tick(),
      waitForCompletion: true,
    });
    this.registry.addCronJob('credit-platform-reconciliation', job);
    job.start();
  }

  private async tick(): Promise<void> {
    if (!this.config.creditPlatform.secret) return;
    const lock = await this.runs.tryLock().catch((e) => {
      this.logger.error({ msg: 'reconciliation lock unavailable', error: (e as Error).message });
      return null;
    });
    if (!lock) return;
    try {
      // Failures are recorded on the run itself; this only keeps the cron alive.
      const report = await this.reconciliations.runNow(CREDIT_PLATFORM_TARGET, null, 'schedule');
      this.logger.log({ msg: 'nightly reconciliation', id: report.id, status: report.status, ...report.counts });
    } catch (e) {
      this.logger.error({ msg: 'nightly reconciliation not started', error: (e as Error).message });
    } finally {
      await this.runs.unlock(lock).catch(() => undefined);
    }
  }
}
