import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import type { ReconciliationCountsDto } from './dto/reconciliation.dto';
import { EMPTY_COUNTS } from './reconciliation.mapper';
import { ReconciliationRepository } from './reconciliation.repository';

const DAY_MS = 86_400_000;

/**
 * Agencies are reconciled through their receipts and feedback (DESIGN section 7): records delivered to the
 * agency with no feedback within the configured period are listed for follow-up (督办), deliveries that
 * gave up are listed for operators. Nothing is repaired: both need people, not another push.
 */
@Injectable()
export class AgencyReconciler {
  constructor(
    private readonly runs: ReconciliationRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async run(runId: string, subscription: { id: string; principal_id: string | null }): Promise<ReconciliationCountsDto> {
    const dueBefore = new Date(this.clock.now().getTime() - this.config.reconciliation.feedbackDueDays * DAY_MS);
    return this.runs.transaction(async (m) => {
      const feedback = await this.runs.agencyFeedback(m, runId, subscription.id, subscription.principal_id, dueBefore);
      const undelivered = await this.runs.agencyUndelivered(m, runId, subscription.id);
      const counts = { ...EMPTY_COUNTS, ...feedback, undelivered };
      await this.runs.progress(m, runId, counts, this.clock.now());
      return counts;
    });
  }
}
