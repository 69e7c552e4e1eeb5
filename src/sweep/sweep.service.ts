import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { monotonicFactory } from 'ulid';
import { civilDateAt } from '../common/calendar';
import type { Actor } from '../audit/request-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DIMENSIONS, Dimension, Measure } from '../common/domain';
import { ApiError } from '../common/http/api-error';
import { Jurisdiction } from '../common/jurisdiction';
import { DeadlineRules } from '../obligations/deadline-rules';
import type { IssueInput } from '../records/record-drafts';
import { RecordWriter } from '../records/record-writer';
import { DueSanction, SweepRepository } from './sweep.repository';

export interface SweepCounts {
  examined: number;
  notified: number;
  sanctioned: number;
  flagged: number;
  revoked: number;
  expired: number;
  deliveries: number;
}

const BATCH = 5000;

/**
 * The deadline sweep (DESIGN section 3): flags missed rectification deadlines, gives notice on missed exit
 * deadlines, issues records when notice ends, and revokes records that repair or expiry lets go.
 * One sweep at a time across all instances; repeating one changes nothing.
 */
@Injectable()
export class SweepService {
  private readonly logger = new Logger(SweepService.name);
  private readonly ulid = monotonicFactory();

  constructor(
    private readonly sweeps: SweepRepository,
    private readonly writer: RecordWriter,
    private readonly rules: DeadlineRules,
    private readonly jurisdiction: Jurisdiction,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** Waits for a sweep running elsewhere, then runs. */
  async run(asOf: Date | undefined, trigger: string): Promise<SweepCounts & { runId: string; asOf: string }> {
    const lock = await this.sweeps.lock(true);
    try {
      return await this.sweep(asOf ?? this.clock.now(), trigger);
    } finally {
      await this.sweeps.unlock(lock!);
    }
  }

  /** An operator's sweep: run like any other, and named in the audit trail with its counts. */
  async runRequested(asOf: Date | undefined, actor: Actor) {
    const result = await this.run(asOf, 'api');
    await this.audit.record(null, {
      actor: { id: actor.id, name: actor.name },
      action: 'sweep.run',
      subjectType: 'sweep',
      subjectId: result.runId,
      after: result,
      details: { asOf: asOf?.toISOString() ?? null },
    });
    return result;
  }

  /** For the scheduler: skips when another instance is already sweeping. */
  async runIfIdle(trigger: string): Promise<SweepCounts | null> {
    const lock = await this.sweeps.lock(false);
    if (!lock) return null;
    try {
      return await this.sweep(this.clock.now(), trigger);
    } finally {
      await this.sweeps.unlock(lock);
    }
  }

  recentRuns(limit = 20) {
    return this.sweeps.recentRuns(limit).then((items) => ({ items }));
  }

  private async sweep(asOf: Date, trigger: string): Promise<SweepCounts & { runId: string; asOf: string }> {
    if (Number.isNaN(asOf.getTime())) throw new ApiError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'asOf: not an instant');
    const today = civilDateAt(asOf, this.jurisdiction.timeZone);
    const runId = await this.sweeps.startRun(asOf, trigger, this.clock.now());
    try {
      const counts: SweepCounts = { examined: await this.sweeps.countExamined(today), notified: 0, sanctioned: 0, flagged: 0, revoked: 0, expired: 0, deliveries: 0 };
      await this.sweeps.transaction(async (m) => {
        counts.flagged = await this.sweeps.flagRectificationOverdue(m, today, this.clock.now());
        counts.notified = await this.sweeps.notify(m, today, this.clock.now());
      });
      await this.issueDue(today, counts);
      counts.revoked = await this.revokeWhile((m) => this.sweeps.dueRepairs(m, today, BATCH), 'exit_completed');
      counts.expired = await this.revokeWhile((m) => this.sweeps.dueExpiries(m, today, BATCH), 'expired');
      await this.sweeps.finishRun(runId, this.clock.now(), counts, null);
      this.logger.log({ msg: 'sweep finished', runId, asOf: asOf.toISOString(), ...counts });
      return { runId, asOf: asOf.toISOString(), ...counts };
    } catch (e) {
      await this.sweeps.finishRun(runId, this.clock.now(), null, (e as Error).message);
      throw e;
    }
  }

  private async issueDue(today: string, counts: SweepCounts): Promise<void> {
    const noticeDays = Object.fromEntries(DIMENSIONS.map((d) => [d, this.rules.rule(d).noticeDays]));
    for (;;) {
      const done = await this.sweeps.transaction(async (m) => {
        const due = await this.sweeps.dueSanctions(m, today, noticeDays, BATCH);
        if (!due.length) return true;
        const at = this.clock.now();
        await this.sweeps.markSanctioned(
          m,
          due.map((d) => d.id),
          at,
        );
        const { issued, deliveries } = await this.writer.issue(m, due.map((d) => this.toIssue(d, today, at)), at);
        counts.sanctioned += issued;
        counts.deliveries += deliveries;
        if (due.length === BATCH) this.logger.log({ msg: 'sweep progress', sanctioned: counts.sanctioned });
        return due.length < BATCH;
      });
      if (done) return;
    }
  }

  private async revokeWhile(next: (m: EntityManager) => Promise<string[]>, reason: 'exit_completed' | 'expired'): Promise<number> {
    let total = 0;
    for (;;) {
      const revoked = await this.sweeps.transaction(async (m) => {
        const ids = await next(m);
        return ids.length ? this.writer.revoke(m, ids, reason, this.clock.now()) : 0;
      });
      total += revoked;
      if (revoked < BATCH) return total;
    }
  }

  private toIssue(d: DueSanction, today: string, at: Date): IssueInput {
    const dimension = d.dimension as Dimension;
    const rule = this.rules.rule(dimension);
    const window = this.rules.repairWindow(dimension, today);
    return {
      recordId: this.ulid(at.getTime()),
      obligationId: d.id,
      uscc: d.uscc,
      enterpriseName: d.enterprise_name,
      dimension,
      department: d.department,
      county: d.county,
      basis: d.basis,
      externalRef: d.external_ref,
      missedDeadline: d.missed_deadline,
      measures: rule.measures as Measure[],
      listedOn: today,
      repairEligibleOn: window.minimumEndsOn,
      publicationEndsOn: window.publicationEndsOn,
      minMonths: rule.repair.minMonths,
      issuedAt: at.toISOString(),
    };
  }
}
