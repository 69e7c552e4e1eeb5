import { Injectable } from '@nestjs/common';
import type { Actor } from '../audit/request-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { DeliveryRepository } from '../delivery/delivery.repository';
import type { ReconciliationCountsDto } from './dto/reconciliation.dto';
import { ReconciliationRepository } from './reconciliation.repository';

/** Thrown between pages when the instance shuts down, so the run ends as failed with that reason. */
export class ReconciliationStopped extends Error {
  constructor() {
    super('stopped: the instance shut down; start the reconciliation again');
  }
}

/**
 * The repairs a run found necessary (missing, stale, revoked here): the target's delivery of each record's
 * current version is made due, a page of items per transaction with its audit entry and the run's progress.
 * A record whose current version is being sent right now is left to that attempt (`in_flight`).
 */
@Injectable()
export class DifferenceRepairs {
  constructor(
    private readonly runs: ReconciliationRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async run(runId: string, target: string, counts: ReconciliationCountsDto, actor: Actor | null, stopping: () => boolean): Promise<void> {
    const size = this.config.reconciliation.pageSize;
    counts.repaired ??= 0;
    for (let after = '0'; ; ) {
      if (stopping()) throw new ReconciliationStopped();
      const page = await this.runs.repairable(runId, after, size);
      if (!page.length) return;
      after = page[page.length - 1].id;
      await this.runs.transaction(async (m) => {
        const now = this.clock.now();
        const repaired = await this.deliveries.repair(m, target, page.map((i) => i.record_id), now);
        await this.runs.leftInFlight(m, page.filter((i) => !repaired.has(i.record_id)).map((i) => i.id));
        counts.repaired! += repaired.size;
        if (repaired.size) {
          await this.audit.record(m, {
            actor,
            action: 'reconciliation.repair',
            subjectType: 'reconciliation',
            subjectId: runId,
            after: { status: 'pending', nextAttemptAt: now.toISOString() },
            details: { target, count: repaired.size, recordIds: [...repaired] },
          });
        }
        await this.runs.progress(m, runId, { ...counts }, now);
      });
      if (page.length < size) return;
    }
  }
}
