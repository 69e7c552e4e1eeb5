import { HttpStatus } from '@nestjs/common';
import { addDays, addMonths, CivilDate } from '../common/calendar';
import type { Dimension } from '../common/domain';
import { ApiError } from '../common/http/api-error';
import type { DimensionRule, DimensionsConfig } from '../config/config.schema';

export class RuleViolation extends ApiError {
  constructor(field: string, message: string) {
    super(HttpStatus.UNPROCESSABLE_ENTITY, 'RULE_VIOLATION', `${field}: ${message}`, [{ field, message }]);
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
