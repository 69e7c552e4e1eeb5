import { Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor, isIsoInstant, Page } from '../../common/http/cursor';
import type { ListRestrictionQueriesDto, RestrictionQueryDto } from '../dto/restriction-queries.dto';
import { RestrictionQueriesRepository } from './restriction-queries.repository';

/** The query audit, for admins: who looked up what, newest first; one row per request. */
@Injectable()
export class RestrictionQueriesService {
  constructor(private readonly queries: RestrictionQueriesRepository) {}

  async list(query: ListRestrictionQueriesDto): Promise<Page<RestrictionQueryDto>> {
    const limit = query.limit ?? 100;
    const cursor = decodeCursor(query.cursor, 2, ([at, id]) => isIsoInstant(at) && typeof id === 'string' && /^\d{1,18}$/.test(id));
    const rows = await this.queries.list({
      principalId: query.principalId,
      uscc: query.uscc,
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
        principal: { id: r.principal_id, name: r.principal_name },
        uscc: r.uscc,
        at: r.at.toISOString(),
        batch: r.batch,
        codes: r.codes,
        codesHash: r.codes_hash,
      })),
      nextCursor: rows.length > limit ? encodeCursor([last.at.toISOString(), last.id]) : null,
    };
  }
}
