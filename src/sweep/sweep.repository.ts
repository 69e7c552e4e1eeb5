import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

// One advisory lock key for the whole cluster: one sweep at a time across every gateway instance.
const SWEEP_LOCK = 0x5357_4545; // "SWEE"

export interface DueSanction {
  id: string;
  uscc: string;
  enterprise_name: string;
  dimension: string;
  department: string;
  county: string;
  basis: string;
  external_ref: string;
  missed_deadline: string;
}

export type SweepAction = 'flag_rectification_overdue' | 'flag_dismantling_overdue' | 'notify' | 'sanction' | 'revoke' | 'expire';

export interface PreviewItem {
  action: SweepAction;
  obligationId: string;
  uscc: string;
  recordId: string | null;
}

/**
 * What each step of the sweep acts on, as of the evaluation date `$1`. The sweep's statements and its dry run
 * share these, so a preview never disagrees with the sweep it previews.
 */
const DUE = {
  rectificationOverdue: `o.stage = 'rectification' AND o.effective_deadline < $1::date AND o.rectification_overdue_on IS NULL`,
  dismantlingOverdue: `o.dismantle_by < $1::date AND o.dismantling_overdue_on IS NULL`,
  // An upheld objection to the notice for this very deadline stops a second notice for it.
  exitOverdue: `o.stage = 'exit_ordered' AND o.effective_deadline < $1::date
                AND (o.stage_details->>'objectionUpheldFor') IS DISTINCT FROM o.effective_deadline::text`,
  // Notice runs from the day it was given; the record comes once the dimension's notice days have passed.
  noticeOver: `o.stage = 'notified' AND o.notified_on + nd.days <= $1::date`,
  repair: `r.status = 'active' AND r.exit_completed_on IS NOT NULL AND r.repair_eligible_on <= $1::date`,
  expiry: `r.status = 'active' AND r.publication_ends_on <= $1::date`,
};
const NOTICE_DAYS = `unnest($2::text[], $3::int[]) AS nd(dimension, days)`;

export type Flag = 'rectification_overdue' | 'dismantling_overdue';

const FLAGS: Record<Flag, { column: string; field: string; due: string; detail: string; detailField: string }> = {
  rectification_overdue: {
    column: 'rectification_overdue_on',
    field: 'rectificationOverdueOn',
    due: DUE.rectificationOverdue,
    detail: 'o.effective_deadline',
    detailField: 'deadline',
  },
  dismantling_overdue: {
    column: 'dismantling_overdue_on',
    field: 'dismantlingOverdueOn',
    due: DUE.dismantlingOverdue,
    detail: 'o.dismantle_by',
    detailField: 'dismantleBy',
  },
};

/** The sweep's set-based SQL; each statement touches many obligations at once. */
@Injectable()
export class SweepRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Holds the cluster-wide sweep lock on a connection of its own; returns null when `wait` is false and it is taken. */
  async lock(wait: boolean): Promise<QueryRunner | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      if (wait) await runner.query('SELECT pg_advisory_lock($1)', [SWEEP_LOCK]);
      else {
        const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [SWEEP_LOCK]);
        if (!locked) {
          await runner.release();
          return null;
        }
      }
      return runner;
    } catch (e) {
      await runner.release();
      throw e;
    }
  }

  async unlock(runner: QueryRunner): Promise<void> {
    try {
      await runner.query('SELECT pg_advisory_unlock($1)', [SWEEP_LOCK]);
    } finally {
      await runner.release();
    }
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async countExamined(evaluatedOn: string): Promise<number> {
    const [{ n }] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM obligations o
        WHERE o.stage IN ('rectification', 'exit_ordered', 'notified') AND o.effective_deadline < $1::date`,
      [evaluatedOn],
    );
    return n;
  }

  /**
   * Flags for the department, set once and dated `today`, each with a history entry: a missed rectification
   * deadline, or a sealed exit's time limit for dismantling passed without a report.
   */
  async flag(m: EntityManager, flag: Flag, evaluatedOn: string, today: string, at: Date): Promise<number> {
    const f = FLAGS[flag];
    const [{ n }] = await m.query(
      `WITH f AS (
         UPDATE obligations o SET ${f.column} = $2, updated_at = $3, version = version + 1
          WHERE ${f.due}
         RETURNING o.id, ${f.detail} AS detail
       ), ev AS (
         INSERT INTO obligation_events (obligation_id, action, actor_id, actor_name, at, before, after, details)
         SELECT id, 'flag_${flag}', NULL, 'sweep', $3, jsonb_build_object('${f.field}', NULL),
                jsonb_build_object('${f.field}', $2::text), jsonb_build_object('${f.detailField}', detail)
           FROM f
       )
       SELECT count(*)::int AS n FROM f`,
      [evaluatedOn, today, at],
    );
    return n;
  }

  /** Missed exit deadlines get notice (告知), dated `today` whatever the evaluation date. */
  async notify(m: EntityManager, evaluatedOn: string, today: string, at: Date): Promise<number> {
    const [{ n }] = await m.query(
      `WITH n AS (
         UPDATE obligations o SET stage = 'notified', previous_stage = 'exit_ordered', notified_on = $2,
                updated_at = $3, version = version + 1
          WHERE ${DUE.exitOverdue}
         RETURNING o.id, o.effective_deadline
       ), ev AS (
         INSERT INTO obligation_events (obligation_id, action, actor_id, actor_name, at, before, after, details)
         SELECT id, 'notify', NULL, 'sweep', $3, '{"stage": "exit_ordered"}',
                jsonb_build_object('stage', 'notified', 'notifiedOn', $2::text), jsonb_build_object('deadline', effective_deadline)
           FROM n
       )
       SELECT count(*)::int AS n FROM n`,
      [evaluatedOn, today, at],
    );
    return n;
  }

  /** A batch of notified obligations whose notice period (per dimension) has ended, locked for this transaction. */
  dueSanctions(m: EntityManager, evaluatedOn: string, noticeDays: Record<string, number>, limit: number): Promise<DueSanction[]> {
    return m.query(
      `SELECT o.id, o.uscc, e.name AS enterprise_name, o.dimension, o.department, o.county, o.basis,
              o.external_ref, to_char(o.effective_deadline, 'YYYY-MM-DD') AS missed_deadline
         FROM obligations o
         JOIN ${NOTICE_DAYS} ON nd.dimension = o.dimension
         JOIN enterprises e ON e.uscc = o.uscc
        WHERE ${DUE.noticeOver}
        ORDER BY o.id
        LIMIT $4
        FOR UPDATE OF o`,
      [evaluatedOn, Object.keys(noticeDays), Object.values(noticeDays), limit],
    );
  }

  async markSanctioned(m: EntityManager, ids: string[], at: Date): Promise<void> {
    await m.query(
      `WITH s AS (
         UPDATE obligations SET stage = 'sanctioned', previous_stage = 'notified', updated_at = $2, version = version + 1
          WHERE id = ANY($1::uuid[]) AND stage = 'notified'
         RETURNING id
       )
       INSERT INTO obligation_events (obligation_id, action, actor_id, actor_name, at, before, after, details)
       SELECT id, 'sanction', NULL, 'sweep', $2, '{"stage": "notified"}', '{"stage": "sanctioned"}', NULL FROM s`,
      [ids, at],
    );
  }

  /** Active records due for revocation: exit completed and the repair minimum reached. */
  async dueRepairs(m: EntityManager, evaluatedOn: string, limit: number): Promise<string[]> {
    const rows = await m.query(`SELECT r.record_id FROM records r WHERE ${DUE.repair} ORDER BY r.record_id LIMIT $2`, [evaluatedOn, limit]);
    return rows.map((r: { record_id: string }) => r.record_id);
  }

  /** Active records whose publication period has ended. */
  async dueExpiries(m: EntityManager, evaluatedOn: string, limit: number): Promise<string[]> {
    const rows = await m.query(`SELECT r.record_id FROM records r WHERE ${DUE.expiry} ORDER BY r.record_id LIMIT $2`, [evaluatedOn, limit]);
    return rows.map((r: { record_id: string }) => r.record_id);
  }

  /**
   * What a sweep evaluating `evaluatedOn` would do, written nowhere: counts per action and the first `limit` items.
   * A notice given by that sweep would be dated that day, so a zero-day notice would also end on it.
   */
  async preview(
    evaluatedOn: string,
    noticeDays: Record<string, number>,
    limit: number,
  ): Promise<{ counts: Partial<Record<SweepAction, number>>; items: PreviewItem[] }> {
    const [row] = await this.dataSource.query(
      `WITH due AS (
         SELECT 'flag_rectification_overdue' AS action, o.id, o.uscc, NULL::text AS record_id FROM obligations o WHERE ${DUE.rectificationOverdue}
         UNION ALL
         SELECT 'flag_dismantling_overdue', o.id, o.uscc, NULL FROM obligations o WHERE ${DUE.dismantlingOverdue}
         UNION ALL
         SELECT 'notify', o.id, o.uscc, NULL FROM obligations o WHERE ${DUE.exitOverdue}
         UNION ALL
         SELECT 'sanction', o.id, o.uscc, NULL FROM obligations o JOIN ${NOTICE_DAYS} ON nd.dimension = o.dimension
          WHERE ${DUE.noticeOver} OR (${DUE.exitOverdue} AND nd.days = 0)
         UNION ALL
         SELECT 'revoke', r.obligation_id, r.uscc, r.record_id FROM records r WHERE ${DUE.repair}
         UNION ALL
         SELECT 'expire', r.obligation_id, r.uscc, r.record_id FROM records r WHERE ${DUE.expiry} AND NOT (${DUE.repair})
       )
       SELECT (SELECT COALESCE(jsonb_object_agg(action, n), '{}') FROM (SELECT action, count(*)::int AS n FROM due GROUP BY action) c) AS counts,
              (SELECT COALESCE(jsonb_agg(i), '[]') FROM (
                 SELECT action, id::text AS "obligationId", uscc, record_id AS "recordId" FROM due ORDER BY action, id LIMIT $4) i) AS items`,
      [evaluatedOn, Object.keys(noticeDays), Object.values(noticeDays), limit],
    );
    return { counts: row.counts, items: row.items };
  }

  async startRun(asOf: Date, trigger: string, at: Date): Promise<string> {
    const [{ id }] = await this.dataSource.query(
      `INSERT INTO sweep_runs (as_of, trigger, started_at) VALUES ($1, $2, $3) RETURNING id`,
      [asOf, trigger, at],
    );
    return String(id);
  }

  async finishRun(id: string, at: Date, counts: object | null, error: string | null): Promise<void> {
    await this.dataSource.query(`UPDATE sweep_runs SET finished_at = $2, counts = $3, error = $4 WHERE id = $1`, [id, at, counts, error]);
  }

  async recentRuns(limit: number): Promise<Array<Record<string, unknown>>> {
    return this.dataSource.query(
      `SELECT id::text, as_of AS "asOf", trigger, started_at AS "startedAt", finished_at AS "finishedAt", counts, error
         FROM sweep_runs ORDER BY started_at DESC LIMIT $1`,
      [limit],
    );
  }
}
