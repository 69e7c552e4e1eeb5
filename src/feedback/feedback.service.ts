import { HttpStatus, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ApiError } from '../common/http/api-error';
import { decodeCursor, encodeCursor, isIsoInstant, Page } from '../common/http/cursor';
import { isUuid } from '../common/ids';
import { Jurisdiction } from '../common/jurisdiction';
import type { Principal } from '../principals/principal';
import { FeedbackDto, ListFeedbackQueryDto, RECORD_ID, RecordFeedbackQueryDto, SubmitFeedbackDto } from './dto/feedback.dto';
import { FeedbackFilter, FeedbackRepository, FeedbackRow } from './feedback.repository';

/** Agencies' reports on what they did about a record (反馈, DESIGN section 6); reconciliation reads them. */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly feedback: FeedbackRepository,
    private readonly jurisdiction: Jurisdiction,
    private readonly clock: Clock,
  ) {}

  /** Idempotent on (agency, record, domain, action, occurredOn): a repeat answers the stored entry, unchanged. */
  async submit(dto: SubmitFeedbackDto, principal: Principal): Promise<{ entry: FeedbackDto; created: boolean }> {
    if (dto.occurredOn > this.jurisdiction.today()) {
      throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'RULE_VIOLATION', `occurredOn: must not be after today (${this.jurisdiction.today()})`, [
        { field: 'occurredOn', message: `must not be after today (${this.jurisdiction.today()})` },
      ]);
    }
    const record = await this.feedback.recordScope(dto.recordId);
    if (!record) throw recordNotFound(dto.recordId);
    if (!principal.domains.includes(dto.domain)) {
      throw outOfScope(`domain: ${dto.domain} is not one of this agency's domains (${principal.domains.join(', ') || 'none'})`);
    }
    if (!record.measures.includes(dto.domain)) {
      throw outOfScope(`domain: record ${dto.recordId} does not restrict ${dto.domain} (its measures: ${record.measures.join(', ')})`);
    }
    const { row, created } = await this.feedback.insertOnce({
      recordId: dto.recordId,
      principalId: principal.id,
      agency: principal.name,
      subscriptionId: await this.feedback.subscriptionOf(principal.id),
      domain: dto.domain,
      action: dto.action,
      occurredOn: dto.occurredOn,
      reference: dto.reference ?? null,
      note: dto.note ?? null,
      createdAt: this.clock.now(),
    });
    return { entry: toDto(row), created };
  }

  /** Operators and the record's department see every entry; an agency sees its own. */
  async forRecord(recordId: string, query: RecordFeedbackQueryDto, principal: Principal): Promise<Page<FeedbackDto>> {
    const record = RECORD_ID.test(recordId) ? await this.feedback.recordScope(recordId) : null;
    if (!record) throw recordNotFound(recordId);
    if (principal.role === 'department' && !principal.mayRead(record.department, record.county)) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN_SCOPE', `this key may not read records of ${record.department}`);
    }
    return this.page({ recordId, principalId: principal.role === 'agency' ? principal.id : undefined }, query);
  }

  async list(query: ListFeedbackQueryDto, principal: Principal): Promise<Page<FeedbackDto>> {
    if (principal.role === 'agency' && query.agency && query.agency !== principal.id) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN_SCOPE', 'agency: an agency key reads only its own feedback');
    }
    return this.page({ principalId: principal.role === 'agency' ? principal.id : query.agency, since: query.since }, query);
  }

  private async page(filter: Omit<FeedbackFilter, 'limit' | 'after'>, query: { cursor?: string; limit?: number }): Promise<Page<FeedbackDto>> {
    const limit = query.limit ?? 100;
    const cursor = decodeCursor(query.cursor, 2, ([at, id]) => isIsoInstant(at) && isUuid(id));
    const rows = await this.feedback.list({ ...filter, after: cursor ? { createdAt: String(cursor[0]), id: String(cursor[1]) } : undefined, limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items: items.map(toDto), nextCursor: rows.length > limit ? encodeCursor([last.created_at.toISOString(), last.id]) : null };
  }
}

function recordNotFound(recordId: string): ApiError {
  return new ApiError(HttpStatus.NOT_FOUND, 'RECORD_NOT_FOUND', `recordId: no record ${recordId}`);
}

function outOfScope(message: string): ApiError {
  return new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'DOMAIN_OUT_OF_SCOPE', message, [{ field: 'domain', message: message.slice('domain: '.length) }]);
}

function toDto(r: FeedbackRow): FeedbackDto {
  return {
    id: r.id,
    recordId: r.record_id,
    agencyId: r.principal_id,
    agency: r.agency,
    subscriptionId: r.subscription_id,
    domain: r.domain,
    action: r.action,
    occurredOn: r.occurred_on,
    reference: r.reference,
    note: r.note,
    createdAt: r.created_at.toISOString(),
  };
}
