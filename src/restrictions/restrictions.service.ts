import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { MEASURES } from '../common/domain';
import { ValidationFailed } from '../common/http/api-error';
import type { Principal } from '../principals/principal';
import type { BatchAnswerDto, RestrictionAnswerDto } from './dto/restrictions.dto';
import { RestrictionsMirror } from './mirror/restrictions-mirror';
import { QueryRecorder } from './query-log/query-recorder';
import { answersFor, answersEtag, usccProblems } from './restriction-answer';
import { RestrictionsRepository } from './restrictions.repository';

/** An answer with its entity tag, for conditional requests. */
export interface Tagged<T> {
  etag: string;
  body: T;
}

/**
 * Agencies' restriction queries, answered from the restrictions table alone, never recomputed from records:
 * RecordWriter keeps that table current in the transaction of every version, and RestrictionsMirror keeps a
 * copy of it in memory; when the copy cannot vouch for its freshness, the table itself answers.
 */
@Injectable()
export class RestrictionsService {
  constructor(
    private readonly restrictions: RestrictionsRepository,
    private readonly mirror: RestrictionsMirror,
    private readonly clock: Clock,
    private readonly recorder: QueryRecorder,
  ) {}

  async lookup(uscc: string, principal: Principal): Promise<Tagged<RestrictionAnswerDto>> {
    const problems = usccProblems([uscc], () => 'uscc');
    if (problems.length) throw new ValidationFailed(problems);
    const answers = await this.answer([uscc], principal, false);
    return { etag: answersEtag(answers), body: answers[0] };
  }

  async batch(usccs: readonly unknown[], principal: Principal): Promise<Tagged<BatchAnswerDto>> {
    const problems = usccProblems(usccs, (i) => `usccs.${i}`);
    if (problems.length) throw new ValidationFailed(problems, `usccs: ${problems.length} invalid code(s) at ${problems.map((p) => p.field.slice(6)).join(', ')}`);
    const items = await this.answer(usccs as string[], principal, true);
    return { etag: answersEtag(items), body: { asOf: items[0].asOf, items } };
  }

  /** Every lookup passes here, so this is where it is recorded: each code asked, repeats included. */
  private async answer(usccs: string[], principal: Principal, batch: boolean): Promise<RestrictionAnswerDto[]> {
    const asOf = this.clock.now().toISOString();
    const codes = [...new Set(usccs)];
    const domains = domainsOf(principal);
    const rows = (await this.mirror.find(codes, domains)) ?? (await this.restrictions.find(codes, domains));
    this.recorder.record(principal.id, usccs, asOf, batch);
    return answersFor(usccs, rows, asOf);
  }
}

/** An agency sees its own domains; admins and operators, who answer for the whole gateway, see all nine. */
function domainsOf(principal: Principal): readonly string[] {
  return principal.role === 'agency' ? principal.domains : MEASURES;
}
