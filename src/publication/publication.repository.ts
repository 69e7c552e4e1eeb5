import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ListName, ListState } from './public-lists';

export interface ListFilter {
  /** Which entries: on the list now, those that left it, or both. */
  state: ListState;
  /** Inclusive bounds on the list's date key (its 列入日期). */
  between?: [string, string];
  county?: string;
  /** The exit list only: dismantled, sealed or closed. */
  method?: string;
  dimension?: string;
  /** Part of the enterprise's name, or the start of its code. */
  search?: string;
  /** The jurisdiction's zone, in which a record's revocation instant becomes its removal date. */
  timeZone: string;
}

/** The list's sort key (a date) and row id; pages continue after it. */
export type ListKey = [string, string];

export interface ListRow {
  sortKey: string;
  sortId: string;
  [column: string]: unknown;
}

interface Source {
  from: string;
  /** Entries on the list now. */
  current: string;
  /** Entries that have left it; null for a list nobody leaves. */
  removed: string | null;
  /** The date an entry joined the list (列入日期): the sort key and the year filter. */
  key: string;
  /** The date an entry left it (移出日期); `$tz` is the zone's parameter. */
  removedOn: string;
  id: string;
  idType: string;
  county: string;
  /** The name a search matches: the register's, or on the sanctions list the one the record was signed with. */
  name: string;
  uscc: string;
  dimension: string;
  columns: string;
  /** What a row shows, folded into the fingerprint that tags a CSV before it is written. */
  tag: string;
}

const OBLIGATIONS = 'obligations o JOIN enterprises e ON e.uscc = o.uscc';
const OBLIGATION_COLUMNS = `e.name, o.uscc, o.county, o.dimension, o.department, o.basis, e.industry, o.stage,
  to_char(o.issued_on, 'YYYY-MM-DD') AS "issuedOn", to_char(o.effective_deadline, 'YYYY-MM-DD') AS "effectiveDeadline",
  o.extended_to IS NOT NULL AS extended,
  o.stage_details #>> '{exitOrder,decidedOn}' AS "decidedOn",
  o.stage_details #>> '{exitCompleted,completedOn}' AS "completedOn",
  o.stage_details #>> '{exitCompleted,method}' AS method,
  o.stage_details #>> '{exitCompleted,sealing,dismantleBy}' AS "dismantleBy",
  o.stage_details #>> '{dismantled,dismantledOn}' AS "dismantledOn",
  COALESCE(NULLIF(o.stage_details #> '{exitCompleted,capacityExited}', '[]'::jsonb), o.capacity) AS capacity`;
const OBLIGATION_TAG = `concat_ws(':', o.id, o.version, e.name, e.industry)`;
const COMPLETED_ON = `civil_date(o.stage_details #>> '{exitCompleted,completedOn}')`;
const NOT_REMOVED = `NULL::date`;

// Each key expression and condition matches an index's (migrations 1764190600000 and 1764190800000) word for word.
const SOURCES: Record<ListName, Source> = {
  // 黄牌: cases in rectification, listed when the order was issued, removed when rectified or ordered to exit.
  yellow: {
    from: OBLIGATIONS,
    current: `o.stage = 'rectification'`,
    removed: `o.rectification_ended_on IS NOT NULL`,
    key: 'o.issued_on',
    removedOn: 'o.rectification_ended_on',
    id: 'o.id',
    idType: 'uuid',
    county: 'o.county',
    name: 'e.name',
    uscc: 'o.uscc',
    dimension: 'o.dimension',
    columns: OBLIGATION_COLUMNS,
    tag: OBLIGATION_TAG,
  },
  // 红牌: closed by law after an exit order, listed on the day of closure.
  red: {
    from: OBLIGATIONS,
    current: `o.stage = 'exited' AND o.stage_details #>> '{exitCompleted,method}' = 'closed'`,
    removed: null,
    key: COMPLETED_ON,
    removedOn: NOT_REMOVED,
    id: 'o.id',
    idType: 'uuid',
    county: 'o.county',
    name: 'e.name',
    uscc: 'o.uscc',
    dimension: 'o.dimension',
    columns: OBLIGATION_COLUMNS,
    tag: OBLIGATION_TAG,
  },
  exit: {
    from: OBLIGATIONS,
    current: `o.stage = 'exited'`,
    removed: null,
    key: COMPLETED_ON,
    removedOn: NOT_REMOVED,
    id: 'o.id',
    idType: 'uuid',
    county: 'o.county',
    name: 'e.name',
    uscc: 'o.uscc',
    dimension: 'o.dimension',
    columns: OBLIGATION_COLUMNS,
    tag: OBLIGATION_TAG,
  },
  // The name is the one the record was signed with; the basis is the case's, which never changes.
  sanctions: {
    from: 'records r JOIN obligations o ON o.id = r.obligation_id',
    current: `r.status = 'active'`,
    removed: `r.status = 'revoked'`,
    key: 'r.listed_on',
    removedOn: `(r.revoked_at AT TIME ZONE $tz)::date`,
    id: 'r.record_id',
    idType: 'char(26)',
    county: 'r.county',
    name: 'r.subject_name',
    uscc: 'r.uscc',
    dimension: 'r.dimension',
    columns: `r.record_id AS "recordId", r.subject_name AS name, r.uscc, r.county, r.dimension, r.department, o.basis, r.measures,
      r.status, r.revocation_reason AS "revocationReason",
      to_char(r.listed_on, 'YYYY-MM-DD') AS "listedOn", to_char(r.publication_ends_on, 'YYYY-MM-DD') AS "publicationEndsOn"`,
    tag: `concat_ws(':', r.record_id, r.current_version, r.status)`,
  },
};

@Injectable()
export class PublicationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One page in key order, after the given key. */
  page(list: ListName, filter: ListFilter, after: ListKey | null, limit: number): Promise<ListRow[]> {
    const s = SOURCES[list];
    const params: unknown[] = [];
    const where = this.where(s, list, filter, params);
    if (where === null) return Promise.resolve([]);
    if (after) where.push(`(${s.key}, ${s.id}) > ($${params.push(after[0])}::date, $${params.push(after[1])}::${s.idType})`);
    const removedOn = s.removedOn.includes('$tz') ? s.removedOn.replace('$tz', `$${params.push(filter.timeZone)}::text`) : s.removedOn;
    return this.dataSource.query(
      `SELECT to_char(${s.key}, 'YYYY-MM-DD') AS "sortKey", ${s.id}::text AS "sortId", ${s.columns},
              to_char(${removedOn}, 'YYYY-MM-DD') AS "removedOn"
         FROM ${s.from}
        WHERE ${where.join(' AND ')}
        ORDER BY ${s.key}, ${s.id}
        LIMIT $${params.push(limit)}`,
      params,
    );
  }

  /** The current signed version of a record, whatever its status; null when there is no such record. */
  async signedRecord(recordId: string): Promise<string | null> {
    const [row] = await this.dataSource.query(
      `SELECT v.jws FROM records r JOIN record_versions v ON v.record_id = r.record_id AND v.version = r.current_version WHERE r.record_id = $1`,
      [recordId],
    );
    return row?.jws ?? null;
  }

  /** A digest of everything the filtered list shows, so a CSV can be tagged (and a 304 answered) before it is written. */
  async fingerprint(list: ListName, filter: ListFilter): Promise<string> {
    const s = SOURCES[list];
    const params: unknown[] = [];
    const where = this.where(s, list, filter, params);
    if (where === null) return '0:';
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n, md5(COALESCE(string_agg(${s.tag}, ',' ORDER BY ${s.key}, ${s.id}), '')) AS digest
         FROM ${s.from}
        WHERE ${where.join(' AND ')}`,
      params,
    );
    return `${row.n}:${row.digest}`;
  }

  /** The conditions of the filtered list; null when it can hold nothing (removed entries of a list nobody leaves). */
  private where(s: Source, list: ListName, filter: ListFilter, params: unknown[]): string[] | null {
    const membership = { current: s.current, removed: s.removed, all: s.removed ? `(${s.current} OR ${s.removed})` : s.current }[filter.state];
    if (membership === null) return null;
    const where = [membership];
    if (filter.between) where.push(`${s.key} BETWEEN $${params.push(filter.between[0])}::date AND $${params.push(filter.between[1])}::date`);
    if (filter.county) where.push(`${s.county} = $${params.push(filter.county)}`);
    if (filter.method && list === 'exit') where.push(`o.stage_details #>> '{exitCompleted,method}' = $${params.push(filter.method)}`);
    if (filter.dimension) where.push(`${s.dimension} = $${params.push(filter.dimension)}`);
    if (filter.search) {
      // LIKE's wildcards in what the public typed are matched as themselves.
      const literal = filter.search.replace(/[\\%_]/g, (c) => `\\${c}`);
      const n = params.push(literal);
      where.push(`(${s.name} ILIKE '%' || $${n} || '%' OR ${s.uscc} LIKE upper($${n}) || '%')`);
    }
    return where;
  }
}
