import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '../config/config.schema';
import { DeliverUseCase } from './deliver.use-case';
import { DELIVERIES_QUEUE, DELIVERY_JOB_NAMES, DeliveryJobs } from './delivery-jobs';
import { DeliveryRelay } from './relay.service';

/** The worker: calls the use case and lets any error reach the queue; retries are scheduled in PostgreSQL. */
@Processor(DELIVERIES_QUEUE, { autorun: false })
export class DeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeliveryProcessor.name);

  constructor(
    private readonly deliver: DeliverUseCase,
    private readonly relay: DeliveryRelay,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    if (!this.config.runtime.roles.includes('worker')) return;
    this.worker.concurrency = this.config.delivery.workerConcurrency;
    // Redis trouble surfaces here (e.g. a job whose keys were flushed); the lease brings such work back.
    this.worker.on('error', (e) => this.logger.warn({ msg: 'queue worker error', error: e.message }));
    void this.worker.run();
  }

  async process(job: Job<DeliveryJobs[keyof DeliveryJobs]>): Promise<void> {
    if (!DELIVERY_JOB_NAMES.includes(job.name as keyof DeliveryJobs)) throw new Error(`unknown job ${job.name}`);
    try {
      // Each push's outcome is recorded; the job fails (and the queue sees it) if any of them could not be.
      await this.deliver.execute(job.data.items);
    } finally {
      this.relay.notify();
    }
  }
}
