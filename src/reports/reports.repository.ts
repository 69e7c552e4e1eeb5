import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ReportingWindow } from './reporting-window';

export const GROUP_BYS = ['county', 'department', 'industry', 'dimension'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** Whose cases a report counts: a department key reads its own department's, in its counties if it has some. */
export interface ReportScope {
  department?: string;
  counties?: readonly string[];
}

export interface StageCount { key: string; stage: string; n: number }
export interface CapacitySum { key: string; unit: string; amount: string }
export interface EquipmentSum { key: string; equipment: string; line: string | null; unit: string; amount: string }
export interface RecordCounts { key: string; issued: number; revoked: number }
export interface DeliveryCount { key: string; status: string; n: number }

// Obligations and records carry county, department and dimension themselves; industry is the enterprise's.
const GROUP_COLUMN: Record<GroupBy, { o: string; r: string }> = {
  county: { o: 'o.county', r: 'r.county' },
  department: { o: 'o.department', r: 'r.department' },
  dimension: { o: 'o.dimension', r: 'r.dimension' },
  industry: { o: 'e.industry', r: 'e.industry' },
};

// Local midnight at the start of `from` and after `to`: instants compare against these, dates against the dates.
const LO = `($1::date)::timestamp AT TIME ZONE $3`;
const HI = `($2::date + 1)::timestamp AT TIME ZONE $3`;

// Exited within the window: what the department verified, else what was ordered, one row per piece of equipment.
const EXITED_CAPACITY = `
  CROSS JOIN LATERAL jsonb_array_elements(
        COALESCE(NULLIF(o.stage_details #> '{exitCompleted,capacityExited}', '[]'::jsonb), o.capacity)) AS c(item)
  WHERE o.stage = 'exited'
    AND civil_date(o.stage_details #>> '{exitCompleted,completedOn}') BETWEEN $1::date AND $2::date`;

@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Obligations per group and current stage. */
  stages(groupBy: GroupBy, scope: ReportScope): Promise<StageCount[]> {
    const params: unknown[] = [];
    return this.dataSource.query(
      `SELECT ${GROUP_COLUMN[groupBy].o} AS key, o.stage, count(*)::int AS n
         FROM obligations o ${this.join(groupBy, 'o')}
        WHERE ${this.scoped('o', scope, params)}
        GROUP BY 1, 2`,
      params,
    );
  }

  /** Capacity that exited within the window, per group and unit. */
  capacityExited(groupBy: GroupBy, window: ReportingWindow, scope: ReportScope): Promise<CapacitySum[]> {
    const params: unknown[] = [window.from, window.to];
    return this.dataSource.query(
      `SELECT ${GROUP_COLUMN[groupBy].o} AS key, c.item ->> 'unit' AS unit, sum((c.item ->> 'amount')::numeric)::text AS amount
         FROM obligations o ${this.join(groupBy, 'o')}
        ${EXITED_CAPACITY} AND ${this.scoped('o', scope, params)}
        GROUP BY 1, 2`,
      params,
    );
  }

  /** The same capacity by equipment and production line, for summaries that must say what exited. */
  equipmentExited(groupBy: GroupBy, window: ReportingWindow, scope: ReportScope): Promise<EquipmentSum[]> {
    const params: unknown[] = [window.from, window.to];
    return this.dataSource.query(
      `SELECT ${GROUP_COLUMN[groupBy].o} AS key, c.item ->> 'equipment' AS equipment, c.item ->> 'line' AS line,
              c.item ->> 'unit' AS unit, sum((c.item ->> 'amount')::numeric)::text AS amount
         FROM obligations o ${this.join(groupBy, 'o')}
        ${EXITED_CAPACITY} AND ${this.scoped('o', scope, params)}
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3 NULLS FIRST, 4`,
      params,
    );
  }

  /** Records listed within the window, and records revoked within it (by local date), per group. */
  records(groupBy: GroupBy, window: ReportingWindow, timeZone: string, scope: ReportScope): Promise<RecordCounts[]> {
    const params: unknown[] = [window.from, window.to, timeZone];
    return this.dataSource.query(
      `SELECT ${GROUP_COLUMN[groupBy].r} AS key,
              count(*) FILTER (WHERE r.listed_on BETWEEN $1::date AND $2::date)::int AS issued,
              count(*) FILTER (WHERE r.revoked_at >= ${LO} AND r.revoked_at < ${HI})::int AS revoked
         FROM records r ${this.join(groupBy, 'r')}
        WHERE (r.listed_on BETWEEN $1::date AND $2::date OR (r.revoked_at >= ${LO} AND r.revoked_at < ${HI}))
          AND ${this.scoped('r', scope, params)}
        GROUP BY 1`,
      params,
    );
  }

  /** Deliveries created within the window, per group of their record and current status. */
  deliveries(groupBy: GroupBy, window: ReportingWindow, timeZone: string, scope: ReportScope): Promise<DeliveryCount[]> {
    const params: unknown[] = [window.from, window.to, timeZone];
    return this.dataSource.query(
      `SELECT ${GROUP_COLUMN[groupBy].r} AS key, d.status, count(*)::int AS n
         FROM deliveries d
         JOIN records r ON r.record_id = d.record_id ${this.join(groupBy, 'r')}
        WHERE d.created_at >= ${LO} AND d.created_at < ${HI} AND ${this.scoped('r', scope, params)}
        GROUP BY 1, 2`,
      params,
    );
  }

  private join(groupBy: GroupBy, alias: 'o' | 'r'): string {
    return groupBy === 'industry' ? `JOIN enterprises e ON e.uscc = ${alias}.uscc` : '';
  }

  /** The scope's conditions on obligations (o) or records (r), which carry department and county alike. */
  private scoped(alias: 'o' | 'r', scope: ReportScope, params: unknown[]): string {
    const where = ['true'];
    if (scope.department) where.push(`${alias}.department = $${params.push(scope.department)}`);
    if (scope.counties) where.push(`${alias}.county = ANY($${params.push(scope.counties)}::text[])`);
    return where.join(' AND ');
  }
}
