import { HttpStatus, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { isCivilDate } from '../common/calendar';
import { ApiError, ValidationFailed } from '../common/http/api-error';
import { decodeCursor, encodeCursor, Page } from '../common/http/cursor';
import { isUuid } from '../common/ids';
import { Jurisdiction } from '../common/jurisdiction';
import { AppConfig } from '../config/config.schema';
import { BOM, csvLine } from './csv';
import type { PublicListQueryDto, SignedRecordDto } from './dto/public-lists.dto';
import { renderSitePage } from './site/site-page';
import type { Lang } from './site/site-text';
import { etagOf } from '../common/http/etag';
import { PublicAnswer } from './http-cache';
import { isListName, LIST_NAMES, ListContext, ListItem, ListName, LISTS, Names } from './public-lists';
import { ListFilter, ListKey, PublicationRepository } from './publication.repository';

const DEFAULT_LIMIT = 100;
// Rows per query while a CSV is written: memory stays flat however long the list.
const CSV_PAGE = 1000;
const RECORD_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

@Injectable()
export class PublicationService {
  private readonly names: Names;
  /** Configured names print in every list; a renamed county must not keep an old tag valid. */
  private readonly namesTag: string;

  constructor(
    private readonly lists: PublicationRepository,
    private readonly jurisdiction: Jurisdiction,
    private readonly config: AppConfig,
  ) {
    const counties = new Map(config.jurisdiction.counties.map((c) => [c.code, c.name]));
    const departments = new Map(config.jurisdiction.departments.map((d) => [d.code, d.name]));
    this.names = { county: (code) => counties.get(code) ?? code, department: (code) => departments.get(code) ?? code };
    this.namesTag = JSON.stringify([config.jurisdiction.counties, config.jurisdiction.departments]);
  }

  async answer(list: string, query: PublicListQueryDto): Promise<PublicAnswer<Page<ListItem>>> {
    if (!isListName(list)) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'LIST_NOT_FOUND', `list: no list "${list.slice(0, 40)}"; one of ${LIST_NAMES.join(', ')}`, [
        { field: 'list', message: `must be one of ${LIST_NAMES.join(', ')}` },
      ]);
    }
    const { filter, year } = this.filterOf(list, query);
    const context: ListContext = { names: this.names, today: this.jurisdiction.today() };
    if (query.format === 'csv') return this.csv(list, filter, year, context);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = decodeCursor(query.cursor, 2, ([k, id]) => isCivilDate(k) && (list === 'sanctions' ? RECORD_ID.test(String(id)) : isUuid(id))) as ListKey | null;
    const rows = await this.lists.page(list, filter, after, limit + 1);
    const more = rows.length > limit;
    const shown = more ? rows.slice(0, limit) : rows;
    const last = shown[shown.length - 1];
    const json = { items: shown.map((r) => LISTS[list].toItem(r, context)), nextCursor: more ? encodeCursor([last.sortKey, last.sortId]) : null };
    return { etag: etagOf(JSON.stringify(json)), json };
  }

  /** One page of a list as the public site shows it, tagged by what it shows. */
  async sitePage(list: string, query: PublicListQueryDto, lang: Lang): Promise<{ etag: string; html: string }> {
    const answer = await this.answer(list, query);
    if (!('json' in answer)) throw new Error('the site renders JSON pages only');
    const { items, nextCursor } = answer.json;
    const year = Number(this.jurisdiction.today().slice(0, 4));
    const html = renderSitePage({
      city: this.config.jurisdiction.name,
      list: list as ListName,
      lang,
      query: { q: query.q, year: query.year?.toString(), county: query.county, dimension: query.dimension, state: query.state, cursor: query.cursor, lang: lang === 'zh' ? undefined : lang },
      items,
      nextCursor,
      counties: this.config.jurisdiction.counties,
      year,
    });
    return { etag: etagOf(answer.etag, lang, String(year)), html };
  }

  async signedRecord(recordId: string): Promise<SignedRecordDto> {
    const jws = RECORD_ID.test(recordId) ? await this.lists.signedRecord(recordId) : null;
    if (!jws) throw new ApiError(HttpStatus.NOT_FOUND, 'RECORD_NOT_FOUND', `recordId: no record ${recordId.slice(0, 40)}`);
    return { record: JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8')), jws };
  }

  private filterOf(list: ListName, query: PublicListQueryDto): { filter: ListFilter; year?: number } {
    if (query.county !== undefined) {
      const problem = this.jurisdiction.countyProblem('county', query.county);
      if (problem) throw new ValidationFailed([problem]);
    }
    // The annual exit list is a year's list by definition; the others span every year unless asked.
    const year = query.year ?? (list === 'exit' ? Number(this.jurisdiction.today().slice(0, 4)) : undefined);
    const filter: ListFilter = {
      state: query.state ?? 'current',
      county: query.county,
      method: query.method,
      dimension: query.dimension,
      search: query.q?.trim() || undefined,
      between: year === undefined ? undefined : [`${year}-01-01`, `${year}-12-31`],
      timeZone: this.jurisdiction.timeZone,
    };
    return { filter, year };
  }

  private async csv(list: ListName, filter: ListFilter, year: number | undefined, context: ListContext): Promise<PublicAnswer<never>> {
    const fingerprint = await this.lists.fingerprint(list, filter);
    // The yellow list's overdue column moves with the date, so its tag does too.
    const etag = etagOf('csv', list, JSON.stringify(filter), fingerprint, this.namesTag, list === 'yellow' ? context.today : '');
    const suffix = [year, filter.county, filter.method, filter.state === 'current' ? undefined : filter.state].filter((p) => p !== undefined).join('-');
    const base = suffix ? `-${suffix}` : '';
    return {
      etag,
      csv: {
        filename: `${LISTS[list].title}${base}.csv`,
        asciiFilename: `${list}-list${base}.csv`,
        open: () => Readable.from(this.csvChunks(list, filter, context), { objectMode: false }),
      },
    };
  }

  private async *csvChunks(list: ListName, filter: ListFilter, context: ListContext): AsyncGenerator<string> {
    const definition = LISTS[list];
    yield BOM + csvLine(definition.header);
    let after: ListKey | null = null;
    for (;;) {
      const rows = await this.lists.page(list, filter, after, CSV_PAGE);
      if (rows.length) yield rows.flatMap((r) => definition.csvRows(definition.toItem(r, context)).map(csvLine)).join('');
      if (rows.length < CSV_PAGE) return;
      const last = rows[rows.length - 1];
      after = [last.sortKey, last.sortId];
    }
  }
}
