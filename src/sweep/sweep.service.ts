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
import { DueSanction, PreviewItem, SweepRepository } from './sweep.repository';

export interface SweepCounts {
  examined: number;
  notified: number;
  sanctioned: number;
  flagged: number;
  dismantlingOverdue: number;
  revoked: number;
  expired: number;
  deliveries: number;
}

export interface SweepResult extends SweepCounts {
  runId: string;
  asOf: string;
  actedOn: string;
}

export interface SweepPreview extends Omit<SweepCounts, 'deliveries'> {
  dryRun: true;
  asOf: string;
  /** The obligations the sweep would act on, in action order, at most PREVIEW_ITEMS of them. */
  affected: PreviewItem[];
  affectedTruncated: boolean;
}

export interface SweepRequest {
  asOf?: Date;
  dryRun?: boolean;
}

const BATCH = 5000;
const PREVIEW_ITEMS = 1000;

/**
 * The deadline sweep (DESIGN section 3): flags missed rectification deadlines and overdue dismantling, gives
 * notice on missed exit deadlines, issues records when notice ends, and revokes records that repair or expiry
 * lets go. It evaluates deadlines as of `asOf` (now, or an earlier instant) and dates every act by the clock.
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

  /** Waits for a sweep running elsewhere, then runs as of now. */
  run(trigger: string): Promise<SweepResult> {
    return this.locked(true, () => this.sweep(this.clock.now(), trigger)) as Promise<SweepResult>;
  }

  /**
   * An operator's sweep: `asOf` may name an earlier instant, never a later one (422); a dry run previews any
   * instant and writes nothing. A real one is named in the audit trail with its counts.
   */
  async runRequested(request: SweepRequest, actor: Actor): Promise<SweepResult | SweepPreview> {
    await this.clock.sync();
    const now = this.clock.now();
    const asOf = request.asOf ?? now;
    if (Number.isNaN(asOf.getTime())) throw new ApiError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'asOf: not an instant', [{ field: 'asOf', message: 'not an instant' }]);
    if (request.dryRun) return this.preview(asOf);
    if (asOf.getTime() > now.getTime()) {
      const message = `must not be later than the gateway's present (${now.toISOString()}); a dry run (dryRun: true) may look ahead`;
      throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'AS_OF_IN_FUTURE', `asOf: ${message}`, [{ field: 'asOf', message }]);
    }
    const result = (await this.locked(true, () => this.sweep(asOf, 'api')))!;
    await this.audit.record(null, {
      actor: { id: actor.id, name: actor.name },
      action: 'sweep.run',
      subjectType: 'sweep',
      subjectId: result.runId,
      after: result,
      details: { asOf: request.asOf?.toISOString() ?? null },
    });
    return result;
  }

  /** For the scheduler: skips when another instance is already sweeping. */
  runIfIdle(trigger: string): Promise<SweepResult | null> {
    return this.locked(false, () => this.sweep(this.clock.now(), trigger));
  }

  recentRuns(limit = 20) {
    return this.sweeps.recentRuns(limit).then((items) => ({ items }));
  }

  private async locked(wait: boolean, work: () => Promise<SweepResult>): Promise<SweepResult | null> {
    const lock = await this.sweeps.lock(wait);
    if (!lock) return null;
    try {
      await this.clock.sync();
      return await work();
    } finally {
      await this.sweeps.unlock(lock);
    }
  }

  private async preview(asOf: Date): Promise<SweepPreview> {
    const evaluatedOn = civilDateAt(asOf, this.jurisdiction.timeZone);
    const [examined, { counts, items }] = await Promise.all([
      this.sweeps.countExamined(evaluatedOn),
      this.sweeps.preview(evaluatedOn, this.noticeDays(), PREVIEW_ITEMS + 1),
    ]);
    const dismantlingOverdue = counts.flag_dismantling_overdue ?? 0;
    return {
      dryRun: true,
      asOf: asOf.toISOString(),
      examined,
      notified: counts.notify ?? 0,
      sanctioned: counts.sanction ?? 0,
      flagged: (counts.flag_rectification_overdue ?? 0) + dismantlingOverdue,
      dismantlingOverdue,
      revoked: counts.revoke ?? 0,
      expired: counts.expire ?? 0,
      affected: items.slice(0, PREVIEW_ITEMS),
      affectedTruncated: items.length > PREVIEW_ITEMS,
    };
  }

  private async sweep(asOf: Date, trigger: string): Promise<SweepResult> {
    const zone = this.jurisdiction.timeZone;
    // Which deadlines count as missed; every act below is still dated by the clock.
    const evaluatedOn = civilDateAt(asOf, zone);
    const runId = await this.sweeps.startRun(asOf, trigger, this.clock.now());
    try {
      const counts: SweepCounts = {
        examined: await this.sweeps.countExamined(evaluatedOn),
        notified: 0,
        sanctioned: 0,
        flagged: 0,
        dismantlingOverdue: 0,
        revoked: 0,
        expired: 0,
        deliveries: 0,
      };
      await this.sweeps.transaction(async (m) => {
        const at = this.clock.now();
        const today = civilDateAt(at, zone);
        counts.dismantlingOverdue = await this.sweeps.flag(m, 'dismantling_overdue', evaluatedOn, today, at);
        counts.flagged = (await this.sweeps.flag(m, 'rectification_overdue', evaluatedOn, today, at)) + counts.dismantlingOverdue;
        counts.notified = await this.sweeps.notify(m, evaluatedOn, today, at);
      });
      await this.issueDue(evaluatedOn, counts);
      counts.revoked = await this.revokeWhile((m) => this.sweeps.dueRepairs(m, evaluatedOn, BATCH), 'exit_completed');
      counts.expired = await this.revokeWhile((m) => this.sweeps.dueExpiries(m, evaluatedOn, BATCH), 'expired');
      const finishedAt = this.clock.now();
      await this.sweeps.finishRun(runId, finishedAt, counts, null);
      this.logger.log({ msg: 'sweep finished', runId, asOf: asOf.toISOString(), ...counts });
      return { runId, asOf: asOf.toISOString(), actedOn: civilDateAt(finishedAt, zone), ...counts };
    } catch (e) {
      await this.sweeps.finishRun(runId, this.clock.now(), null, (e as Error).message);
      throw e;
    }
  }

  private noticeDays(): Record<string, number> {
    return Object.fromEntries(DIMENSIONS.map((d) => [d, this.rules.rule(d).noticeDays]));
  }

  private async issueDue(evaluatedOn: string, counts: SweepCounts): Promise<void> {
    const noticeDays = this.noticeDays();
    for (;;) {
      const done = await this.sweeps.transaction(async (m) => {
        const due = await this.sweeps.dueSanctions(m, evaluatedOn, noticeDays, BATCH);
        if (!due.length) return true;
        const at = this.clock.now();
        const today = civilDateAt(at, this.jurisdiction.timeZone);
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

  /** The record of a missed exit deadline, listed today: its repair window runs from today too. */
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
