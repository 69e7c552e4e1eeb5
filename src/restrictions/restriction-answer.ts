import { etagOf } from '../common/http/etag';
import type { FieldProblem } from '../common/http/api-error';
import { checkUscc, describeUsccProblem } from '../enterprises/uscc';
import type { RestrictionAnswerDto } from './dto/restrictions.dto';
import type { RestrictionRow } from './restrictions.repository';

/** One problem per code that is not a valid USCC, naming its position (`usccs.3`) and the code itself. */
export function usccProblems(values: readonly unknown[], field: (i: number) => string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  values.forEach((value, i) => {
    if (typeof value !== 'string') {
      problems.push({ field: field(i), message: 'must be an 18-character unified social credit code' });
      return;
    }
    const { valid, problem } = checkUscc(value);
    // The code is echoed so that a caller with 1,000 codes can find it; cut short, as it may be anything.
    if (!valid) problems.push({ field: field(i), message: `${describeUsccProblem(problem!)} (got "${value.slice(0, 40)}")` });
  });
  return problems;
}

/** An answer per requested code, in request order; rows arrive sorted by code, domain and record. */
export function answersFor(usccs: readonly string[], rows: readonly RestrictionRow[], asOf: string): RestrictionAnswerDto[] {
  const byCode = new Map<string, RestrictionAnswerDto['measures']>();
  for (const row of rows) {
    let measures = byCode.get(row.uscc);
    if (!measures) byCode.set(row.uscc, (measures = []));
    measures.push({ domain: row.domain, recordId: row.record_id, since: row.since });
  }
  return usccs.map((uscc) => {
    const measures = byCode.get(uscc) ?? [];
    return { uscc, asOf, restricted: measures.length > 0, measures };
  });
}

/** A strong validator over what the answers say, leaving out asOf: the same restrictions keep the same tag. */
export function answersEtag(answers: readonly RestrictionAnswerDto[]): string {
  return etagOf(...answers.map(({ uscc, restricted, measures }) => JSON.stringify([uscc, restricted, measures])));
}

