import { Injectable } from '@nestjs/common';
import type { Actor } from '../audit/request-actor';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { DifferenceRepairs } from './difference-repairs';
import type { ReconciliationCountsDto } from './dto/reconciliation.dto';
import { EMPTY_COUNTS } from './reconciliation.mapper';
import { AgencyTarget, ReconciliationRepository } from './reconciliation.repository';

const DAY_MS = 86_400_000;

/**
 * Agencies are reconciled through their receipts and feedback (DESIGN section 7 and invariant 9). Records in
 * force the agency should hold and has not received (or holds an older version of) are repaired like the
 * platform's; records delivered with no feedback within the configured period are listed for follow-up (督办),
 * and deliveries that gave up for good are listed for operators.
 */
@Injectable()
export class AgencyReconciler {
  constructor(
    private readonly runs: ReconciliationRepository,
    private readonly repairs: DifferenceRepairs,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async run(runId: string, subscription: AgencyTarget, actor: Actor | null, stopping: () => boolean): Promise<ReconciliationCountsDto> {
    const counts: ReconciliationCountsDto = { ...EMPTY_COUNTS, repaired: 0, ...(await this.runs.compareAgency(runId, subscription.id, subscription.domains)) };
    await this.repairs.run(runId, subscription.id, counts, actor, stopping);
    const dueBefore = new Date(this.clock.now().getTime() - this.config.reconciliation.feedbackDueDays * DAY_MS);
    return this.runs.transaction(async (m) => {
      const feedback = await this.runs.agencyFeedback(m, runId, subscription.id, subscription.principal_id, dueBefore);
      const undelivered = await this.runs.agencyUndelivered(m, runId, subscription.id);
      Object.assign(counts, feedback, { undelivered });
      await this.runs.progress(m, runId, { ...counts }, this.clock.now());
      return counts;
    });
  }
}
