import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ReportingWindow } from './reporting-window';

export const GROUP_BYS = ['county', 'department', 'industry', 'dimension'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface StageCount { key: string; stage: string; n: number }
export interface CapacitySum { key: string; unit: string; amount: string }
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

@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Obligations per group and current stage. */
  stages(groupBy: GroupBy): Promise<StageCount[]> {
    return this.dataSource.query(
      `SELECT ${GROUP_COLUMN[groupBy].o} AS key, o.stage, count(*)::int AS n
         FROM obligations o ${this.join(groupBy, 'o')}
        GROUP BY 1, 2`,
    );
  }

  /** Capacity that exited within the window, per group and unit: what the department verified, else what was ordered. */
  capacityExited(groupBy: GroupBy, window: ReportingWindow): Promise<CapacitySum[]> {
    return this.dataSource.query(
      `SELECT ${GROUP_COLUMN[groupBy].o} AS key, c.item ->> 'unit' AS unit, sum((c.item ->> 'amount')::numeric)::text AS amount
         FROM obligations o ${this.join(groupBy, 'o')}
        CROSS JOIN LATERAL jsonb_array_elements(
              COALESCE(NULLIF(o.stage_details #> '{exitCompleted,capacityExited}', '[]'::jsonb), o.capacity)) AS c(item)
        WHERE o.stage = 'exited'
          AND civil_date(o.stage_details #>> '{exitCompleted,completedOn}') BETWEEN $1::date AND $2::date
        GROUP BY 1, 2`,
      [window.from, window.to],
    );
  }

  /** Records listed within the window, and records revoked within it (by local date), per group. */
  records(groupBy: GroupBy, window: ReportingWindow, timeZone: string): Promise<RecordCounts[]> {
    return this.dataSource.query(
      `SELECT ${GROUP_COLUMN[groupBy].r} AS key,
              count(*) FILTER (WHERE r.listed_on BETWEEN $1::date AND $2::date)::int AS issued,
              count(*) FILTER (WHERE r.revoked_at >= ${LO} AND r.revoked_at < ${HI})::int AS revoked
         FROM records r ${this.join(groupBy, 'r')}
        WHERE r.listed_on BETWEEN $1::date AND $2::date OR (r.revoked_at >= ${LO} AND r.revoked_at < ${HI})
        GROUP BY 1`,
      [window.from, window.to, timeZone],
    );
  }

  /** Deliveries created within the window, per group of their record and current status. */
  deliveries(groupBy: GroupBy, window: ReportingWindow, timeZone: string): Promise<DeliveryCount[]> {
    return this.dataSource.query(
      `SELECT ${GROUP_COLUMN[groupBy].r} AS key, d.status, count(*)::int AS n
         FROM deliveries d
         JOIN records r ON r.record_id = d.record_id ${this.join(groupBy, 'r')}
        WHERE d.created_at >= ${LO} AND d.created_at < ${HI}
        GROUP BY 1, 2`,
      [window.from, window.to, timeZone],
    );
  }

  private join(groupBy: GroupBy, alias: 'o' | 'r'): string {
    return groupBy === 'industry' ? `JOIN enterprises e ON e.uscc = ${alias}.uscc` : '';
  }
}
