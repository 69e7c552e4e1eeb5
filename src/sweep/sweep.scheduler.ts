import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { AppConfig } from '../config/config.schema';
import { runsScheduledJobs } from '../config/runtime-roles';
import { SweepService } from './sweep.service';

/** Runs the sweep on the configured cron, in the jurisdiction's time zone; off when the scheduler is disabled. */
@Injectable()
export class SweepScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SweepScheduler.name);

  constructor(
    private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly sweeps: SweepService,
  ) {}

  onApplicationBootstrap(): void {
    if (!runsScheduledJobs(this.config)) return;
    const job = CronJob.from({
      cronTime: this.config.scheduler.sweepCron,
      timeZone: this.config.jurisdiction.timeZone,
      onTick: () => this.tick(),
      waitForCompletion: true,
    });
    this.registry.addCronJob('deadline-sweep', job);
    job.start();
  }

  private async tick(): Promise<void> {
    try {
      const counts = await this.sweeps.runIfIdle('cron');
      if (!counts) this.logger.log('sweep skipped: another instance is sweeping');
    } catch (e) {
      // The run is recorded with its error; the next tick tries again.
      this.logger.error({ msg: 'scheduled sweep failed', error: (e as Error).message });
    }
  }
}
