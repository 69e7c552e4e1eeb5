import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { AppConfig } from '../../config/config.schema';
import { OPS_QUEUE } from '../../queue/queue.constants';
import { BulkJobsRepository } from '../bulk-jobs.repository';
import { BULK_RETRY_JOB, BULK_RETRY_KIND } from '../ops-deliveries.service';
import { BulkRetryRunner } from './bulk-retry.runner';

/**
 * The 'ops' queue's worker. It starts only in processes with the worker role; there it first re-queues
 * jobs that PostgreSQL says are unfinished, in case Redis lost them (DESIGN invariant 6).
 */
@Injectable()
@Processor(OPS_QUEUE, { autorun: false, concurrency: 1 })
export class OpsProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(OpsProcessor.name);

  constructor(
    private readonly config: AppConfig,
    private readonly bulkRetry: BulkRetryRunner,
    private readonly jobs: BulkJobsRepository,
    @InjectQueue(OPS_QUEUE) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runtime.roles.includes('worker')) return;
    for (const job of await this.jobs.unfinished()) {
      // The job id dedupes: a job still in Redis is not added twice.
      if (job.kind === BULK_RETRY_KIND) await this.queue.add(BULK_RETRY_JOB, { jobId: job.id }, { jobId: job.id });
    }
    this.worker.run().catch((e) => this.logger.error({ msg: 'ops worker stopped', error: (e as Error).message }));
  }

  /** Errors propagate, so BullMQ marks the job failed. */
  async process(job: Job<{ jobId: string }>): Promise<void> {
    switch (job.name) {
      case BULK_RETRY_JOB:
        return this.bulkRetry.run(job.data.jobId);
      default:
        throw new Error(`ops queue: unknown job ${job.name}`);
    }
  }
}
