import { HttpStatus } from '@nestjs/common';
import { addDays, addMonths, CivilDate } from '../common/calendar';
import type { Dimension } from '../common/domain';
import { ApiError, FieldProblem } from '../common/http/api-error';
import type { DimensionRule, DimensionsConfig } from '../config/config.schema';

/** A configured rule broken (422), naming each field: one problem, or several found together. */
export class RuleViolation extends ApiError {
  constructor(field: string, message: string);
  constructor(problems: FieldProblem[]);
  constructor(fieldOrProblems: string | FieldProblem[], message?: string) {
    const problems = typeof fieldOrProblems === 'string' ? [{ field: fieldOrProblems, message: message! }] : fieldOrProblems;
    super(HttpStatus.UNPROCESSABLE_ENTITY, 'RULE_VIOLATION', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
  }
}

/** The per-dimension deadline, extension, notice and repair rules of DESIGN section 3, read from config. */
export class DeadlineRules {
  constructor(private readonly dimensions: DimensionsConfig) {}

  rule(dimension: Dimension): DimensionRule {
    return this.dimensions[dimension];
  }

  /** The rectification deadline when the order does not set one, or null when the dimension has no default. */
  defaultDeadline(dimension: Dimension, issuedOn: CivilDate): CivilDate | null {
    const months = this.rule(dimension).rectificationMonths;
    return months ? addMonths(issuedOn, months) : null;
  }

  /** Checks an extension request; the cap is measured from the original deadline, not from earlier extensions. */
  checkExtension(
    dimension: Dimension,
    o: { deadline: CivilDate; extendedTo: CivilDate | null; extensionCount: number },
    requested: CivilDate,
  ): void {
    const ext = this.rule(dimension).extension;
    if (!ext.allowed) throw new RuleViolation('requestedDeadline', `the ${dimension} dimension allows no extension`);
    if (o.extensionCount >= ext.maxCount) {
      throw new RuleViolation('requestedDeadline', `the ${dimension} dimension allows ${ext.maxCount} extension(s), already used`);
    }
    const current = o.extendedTo ?? o.deadline;
    if (requested <= current) throw new RuleViolation('requestedDeadline', `must be after the current deadline ${current}`);
    const limit = addMonths(o.deadline, ext.maxMonths);
    if (requested > limit) {
      throw new RuleViolation('requestedDeadline', `may be at most ${ext.maxMonths} month(s) past the original deadline, i.e. ${limit}`);
    }
  }

  /** An extension is applied for on or before the deadline it extends (DESIGN section 3). */
  checkApplication(appliedOn: CivilDate, deadline: CivilDate): void {
    if (appliedOn > deadline) {
      throw new RuleViolation('appliedOn', `an extension must be applied for on or before the deadline it extends (${deadline})`);
    }
  }

  /**
   * An objection (异议) answers a notice within its period: from the day the notice was given to the last day
   * before the record may be issued. With no notice period there is no time to object.
   */
  checkObjection(dimension: Dimension, notifiedOn: CivilDate, raisedOn: CivilDate): void {
    if (raisedOn < notifiedOn) throw new RuleViolation('raisedOn', `must not be before the notice was given (${notifiedOn})`);
    const ends = this.noticeEndsOn(dimension, notifiedOn);
    if (raisedOn >= ends) {
      throw new RuleViolation('raisedOn', `the notice period given on ${notifiedOn} ended on ${addDays(ends, -1)}; an objection must be raised within it`);
    }
  }

  /** The day the record may be issued: notice given on `notifiedOn`, then the notice period. */
  noticeEndsOn(dimension: Dimension, notifiedOn: CivilDate): CivilDate {
    return addDays(notifiedOn, this.rule(dimension).noticeDays);
  }

  /** Earliest day a record may be revoked after exit, and the day publication ends by itself. */
  repairWindow(dimension: Dimension, listedOn: CivilDate): { minimumEndsOn: CivilDate; publicationEndsOn: CivilDate } {
    const { minMonths, maxMonths } = this.rule(dimension).repair;
    return { minimumEndsOn: addMonths(listedOn, minMonths), publicationEndsOn: addMonths(listedOn, maxMonths) };
  }
}
