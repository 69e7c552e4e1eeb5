import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { decodeCursor, encodeCursor, isIsoInstant, Page } from '../common/http/cursor';
import { AuditEntryDto, ListAuditQueryDto } from './dto/audit.dto';
import { AuditRepository } from './audit.repository';
import type { Actor } from './request-actor';

export const SYSTEM_ACTOR_NAME = 'system';

export interface AuditEntry {
  /** Who acted; null when the gateway itself did (scheduler, worker). */
  actor: Actor | null;
  /** What was done, as `subject.verb` (e.g. `delivery.retry`). */
  action: string;
  subjectType: string;
  subjectId?: string;
  before?: object | null;
  after?: object | null;
  details?: object;
}

/** The audit trail: who changed what, with the state before and after. Secrets never go in. */
@Injectable()
export class AuditService {
  constructor(
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Written in the caller's transaction when a manager is given, so the trail and the change commit together. */
  record(manager: EntityManager | null, entry: AuditEntry): Promise<void> {
    return this.audit.insert(manager, {
      actorId: entry.actor?.id ?? null,
      actorName: entry.actor?.name ?? SYSTEM_ACTOR_NAME,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId ?? null,
      at: this.clock.now(),
      before: entry.before ?? null,
      after: entry.after ?? null,
      details: entry.details ?? null,
    });
  }


  async list(query: ListAuditQueryDto): Promise<Page<AuditEntryDto>> {
    const limit = query.limit ?? 100;
    const cursor = decodeCursor(query.cursor, 2, ([at, id]) => isIsoInstant(at) && typeof id === 'string' && /^\d{1,18}$/.test(id));
    const rows = await this.audit.list({
      action: query.action,
      subjectType: query.subjectType,
      subjectId: query.subjectId,
      since: query.since,
      until: query.until,
      before: cursor ? { at: String(cursor[0]), id: String(cursor[1]) } : undefined,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map((r) => ({
        id: r.id,
        actor: { id: r.actor_id, name: r.actor_name },
        action: r.action,
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        at: r.at.toISOString(),
        before: r.before,
        after: r.after,
        details: r.details,
      })),
      nextCursor: rows.length > limit ? encodeCursor([last.at.toISOString(), last.id]) : null,
    };
  }
}
