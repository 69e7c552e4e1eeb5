import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ListName } from './public-lists';

export interface ListFilter {
  /** Inclusive bounds on the list's date key. */
  between?: [string, string];
  county?: string;
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
  where: string;
  key: string;
  id: string;
  idType: string;
  county: string;
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
  COALESCE(NULLIF(o.stage_details #> '{exitCompleted,capacityExited}', '[]'::jsonb), o.capacity) AS capacity`;
const OBLIGATION_TAG = `concat_ws(':', o.id, o.version, e.name, e.industry)`;

// Each key expression matches its index in migrations/1764190600000-PublicationIndexes.ts word for word.
const SOURCES: Record<ListName, Source> = {
  yellow: {
    from: OBLIGATIONS,
    where: `o.stage = 'rectification'`,
    key: 'o.issued_on',
    id: 'o.id',
    idType: 'uuid',
    county: 'o.county',
    columns: OBLIGATION_COLUMNS,
    tag: OBLIGATION_TAG,
  },
  red: {
    from: OBLIGATIONS,
    where: `o.stage IN ('exit_ordered', 'notified', 'sanctioned', 'exited')`,
    key: `COALESCE(civil_date(o.stage_details #>> '{exitOrder,decidedOn}'), o.issued_on)`,
    id: 'o.id',
    idType: 'uuid',
    county: 'o.county',
    columns: OBLIGATION_COLUMNS,
    tag: OBLIGATION_TAG,
  },
  exit: {
    from: OBLIGATIONS,
    where: `o.stage = 'exited'`,
    key: `civil_date(o.stage_details #>> '{exitCompleted,completedOn}')`,
    id: 'o.id',
    idType: 'uuid',
    county: 'o.county',
    columns: OBLIGATION_COLUMNS,
    tag: OBLIGATION_TAG,
  },
  sanctions: {
    from: 'records r JOIN enterprises e ON e.uscc = r.uscc',
    where: `r.status = 'active'`,
    key: 'r.listed_on',
    id: 'r.record_id',
    idType: 'char(26)',
    county: 'r.county',
    columns: `r.record_id AS "recordId", e.name, r.uscc, r.county, r.dimension, r.department, r.measures,
      to_char(r.listed_on, 'YYYY-MM-DD') AS "listedOn", to_char(r.publication_ends_on, 'YYYY-MM-DD') AS "publicationEndsOn"`,
    tag: `concat_ws(':', r.record_id, r.current_version, e.name)`,
  },
};

@Injectable()
export class PublicationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One page in key order, after the given key. */
  page(list: ListName, filter: ListFilter, after: ListKey | null, limit: number): Promise<ListRow[]> {
    const s = SOURCES[list];
    const params: unknown[] = [];
    const where = this.where(s, filter, params);
    if (after) where.push(`(${s.key}, ${s.id}) > ($${params.push(after[0])}::date, $${params.push(after[1])}::${s.idType})`);
    return this.dataSource.query(
      `SELECT to_char(${s.key}, 'YYYY-MM-DD') AS "sortKey", ${s.id}::text AS "sortId", ${s.columns}
         FROM ${s.from}
        WHERE ${where.join(' AND ')}
        ORDER BY ${s.key}, ${s.id}
        LIMIT $${params.push(limit)}`,
      params,
    );
  }

  /** A digest of everything the filtered list shows, so a CSV can be tagged (and a 304 answered) before it is written. */
  async fingerprint(list: ListName, filter: ListFilter): Promise<string> {
    const s = SOURCES[list];
    const params: unknown[] = [];
    const where = this.where(s, filter, params);
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n, md5(COALESCE(string_agg(${s.tag}, ',' ORDER BY ${s.key}, ${s.id}), '')) AS digest
         FROM ${s.from}
        WHERE ${where.join(' AND ')}`,
      params,
    );
    return `${row.n}:${row.digest}`;
  }

  private where(s: Source, filter: ListFilter, params: unknown[]): string[] {
    const where = [s.where];
    if (filter.between) where.push(`${s.key} BETWEEN $${params.push(filter.between[0])}::date AND $${params.push(filter.between[1])}::date`);
    if (filter.county) where.push(`${s.county} = $${params.push(filter.county)}`);
    return where;
  }
}
