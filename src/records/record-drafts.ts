import type { CivilDate } from '../common/calendar';
import type { Dimension, Measure } from '../common/domain';
import type { RecordDraft, RevocationReason } from './sanction-record';

export interface IssueInput {
  recordId: string;
  obligationId: string;
  uscc: string;
  enterpriseName: string;
  dimension: Dimension;
  department: string;
  county: string;
  basis: string;
  externalRef: string;
  missedDeadline: CivilDate;
  measures: Measure[];
  listedOn: CivilDate;
  repairEligibleOn: CivilDate;
  publicationEndsOn: CivilDate;
  minMonths: number;
  issuedAt: string;
}

/** The removal conditions in words (NDRC Order No. 58 as configured per dimension). */
export function removalConditions(i: Pick<IssueInput, 'repairEligibleOn' | 'publicationEndsOn' | 'minMonths'>): string {
  return (
    `Removed when the exit is completed and verified, once the minimum publication period of ${i.minMonths} month(s) ` +
    `has passed (from ${i.repairEligibleOn}); publication ends in any case on ${i.publicationEndsOn}. ` +
    `完成退出并经核实且公示满${i.minMonths}个月（${i.repairEligibleOn}起）后移出；最迟于${i.publicationEndsOn}停止公示。`
  );
}

export function issueDraft(i: IssueInput): RecordDraft {
  return {
    recordId: i.recordId,
    version: 1,
    event: 'sanction.issued',
    subject: { uscc: i.uscc, name: i.enterpriseName },
    reason: { code: 'EXIT_DEADLINE_MISSED', dimension: i.dimension, obligationId: i.obligationId, deadline: i.missedDeadline, externalRef: i.externalRef },
    basis: [i.basis],
    decidedBy: { department: i.department, county: i.county },
    measures: i.measures,
    effectiveFrom: i.listedOn,
    issuedAt: i.issuedAt,
    listedOn: i.listedOn,
    publicationEndsOn: i.publicationEndsOn,
    removalConditions: removalConditions(i),
  };
}

/** The next version: the previous one with its event and changes; never an edit of the old. */
function nextDraft(previous: RecordDraft, at: string): RecordDraft {
  const { amendment: _a, revocation: _r, ...rest } = previous;
  return { ...rest, version: previous.version + 1, issuedAt: at };
}

export function revocationDraft(previous: RecordDraft, reason: RevocationReason, at: string): RecordDraft {
  return { ...nextDraft(previous, at), event: 'sanction.revoked', revocation: { reason, at } };
}

export function amendmentDraft(previous: RecordDraft, measures: Measure[], reason: string, at: string): RecordDraft {
  const removed = previous.measures.filter((m) => !measures.includes(m));
  return { ...nextDraft(previous, at), event: 'sanction.amended', measures, amendment: { reason, removedMeasures: removed } };
}
