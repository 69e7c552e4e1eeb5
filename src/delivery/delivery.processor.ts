import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '../config/config.schema';
import { DeliverUseCase } from './deliver.use-case';
import { DELIVERIES_QUEUE, DELIVERY_JOB_NAMES, DeliveryJobs } from './delivery-jobs';
import { PushPool } from './push-pool';
import { DeliveryRelay } from './relay.service';

/**
 * The worker: a job hands its pushes to the push pool and ends; each push records its own outcome. An error
 * loading the job's deliveries reaches the queue; a push whose outcome cannot be recorded comes back when its
 * lease runs out (retries are scheduled in PostgreSQL, not in the queue).
 */
@Processor(DELIVERIES_QUEUE, { autorun: false })
export class DeliveryProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryProcessor.name);

  constructor(
    private readonly deliver: DeliverUseCase,
    private readonly pushes: PushPool,
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

  /**
   * SIGTERM: take no more jobs, then let the pushes in flight answer (each is bounded by the push timeout) and
   * record them, before the HTTP agents and the database close in the last shutdown phase.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.config.runtime.roles.includes('worker')) return;
    await this.worker.close();
    await this.pushes.drain();
  }

  async process(job: Job<DeliveryJobs[keyof DeliveryJobs]>): Promise<void> {
    if (!DELIVERY_JOB_NAMES.includes(job.name as keyof DeliveryJobs)) throw new Error(`unknown job ${job.name}`);
    try {
      await this.deliver.execute(job.data.items);
    } finally {
      this.relay.notify();
    }
  }
}
