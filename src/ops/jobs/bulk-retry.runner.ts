import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock';
import { DeliveryRepository } from '../../delivery/delivery.repository';
import type { DeliveryFilter } from '../../delivery/delivery-filter';
import { BulkJobsRepository } from '../bulk-jobs.repository';
import { OpsDeliveriesRepository } from '../ops-deliveries.repository';

export const BULK_BATCH = 1000;

/**
 * Runs a bulk retry: rows matching the filter and unchanged since the job started are made due, a batch
 * per transaction with its audit entry and progress. Running it again after a crash continues where it
 * stopped, since the rows already retried no longer match.
 */
@Injectable()
export class BulkRetryRunner {
  private readonly logger = new Logger(BulkRetryRunner.name);

  constructor(
    private readonly reads: OpsDeliveriesRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly jobs: BulkJobsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async run(jobId: string): Promise<void> {
    const job = await this.jobs.find(jobId);
    if (!job) throw new Error(`bulk job ${jobId} does not exist`);
    if (job.status === 'done' || job.status === 'failed') return;
    const actor = job.created_by ? { id: job.created_by, name: job.creator_name ?? job.created_by } : null;
    const filter = job.filter as DeliveryFilter;
    try {
      const startedAt = this.clock.now();
      await this.jobs.start(jobId, job.processed + (await this.reads.countForBulk(filter, startedAt)));
      let after: { createdAt: Date; id: string } | null = null;
      for (;;) {
        const now = this.clock.now();
        const batch = await this.reads.transaction(async (m) => {
          const rows = await this.deliveries.retryBatch(m, filter, startedAt, after, BULK_BATCH, now);
          if (!rows.length) return rows;
          await this.jobs.advance(m, jobId, rows.length);
          await this.audit.record(m, {
            actor,
            action: `${job.kind}.batch`,
            subjectType: 'bulk_job',
            subjectId: jobId,
            before: { statuses: countBy(rows.map((r) => r.status)) },
            after: { status: 'pending', nextAttemptAt: now.toISOString() },
            details: { count: rows.length, deliveryIds: rows.map((r) => r.id) },
          });
          return rows;
        });
        if (batch.length < BULK_BATCH) break;
        const last = batch[batch.length - 1];
        after = { createdAt: last.created_at, id: last.id };
      }
      await this.jobs.finish(jobId, this.clock.now(), null);
    } catch (e) {
      this.logger.error({ msg: 'bulk retry failed', jobId, error: (e as Error).message });
      await this.jobs.finish(jobId, this.clock.now(), (e as Error).message).catch(() => undefined);
      throw e;
    }
  }
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
