import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '../config/config.schema';
import { PLATFORM_JOB_NAMES, PLATFORM_QUEUE, PlatformJobs } from '../delivery/delivery-jobs';
import { DeliveryRelay } from '../delivery/relay.service';
import { PlatformDeliveryUseCase } from './platform-delivery.use-case';

/** The platform worker: calls the use case and lets any error reach the queue; leases bring lost work back. */
@Processor(PLATFORM_QUEUE, { autorun: false })
export class PlatformProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PlatformProcessor.name);

  constructor(
    private readonly deliver: PlatformDeliveryUseCase,
    private readonly relay: DeliveryRelay,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    if (!this.config.runtime.roles.includes('worker')) return;
    this.worker.concurrency = this.config.creditPlatform.maxConcurrency;
    this.worker.on('error', (e) => this.logger.warn({ msg: 'platform queue worker error', error: e.message }));
    void this.worker.run();
  }

  /** SIGTERM: a batch in flight finishes and is recorded before the connector's agents close. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.config.runtime.roles.includes('worker')) await this.worker.close();
  }

  async process(job: Job<PlatformJobs['deliver-batch']>): Promise<void> {
    if (!PLATFORM_JOB_NAMES.includes(job.name as keyof PlatformJobs)) throw new Error(`unknown job ${job.name}`);
    try {
      await this.deliver.execute(job.data);
    } finally {
      this.relay.notify();
    }
  }
}
