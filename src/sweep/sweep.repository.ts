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

  async countExamined(today: string): Promise<number> {
    const [{ n }] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM obligations
        WHERE stage IN ('rectification', 'exit_ordered', 'notified') AND effective_deadline < $1`,
      [today],
    );
    return n;
  }

  /** Missed rectification deadlines: flagged for the department once, with a history entry. */
  async flagRectificationOverdue(m: EntityManager, today: string, at: Date): Promise<number> {
    const [{ n }] = await m.query(
      `WITH f AS (
         UPDATE obligations SET rectification_overdue_on = $1, updated_at = $2, version = version + 1
          WHERE stage = 'rectification' AND effective_deadline < $1 AND rectification_overdue_on IS NULL
         RETURNING id, effective_deadline
       ), ev AS (
         INSERT INTO obligation_events (obligation_id, action, actor_id, actor_name, at, before, after, details)
         SELECT id, 'flag_rectification_overdue', NULL, 'sweep', $2, '{"rectificationOverdueOn": null}',
                jsonb_build_object('rectificationOverdueOn', $1::text), jsonb_build_object('deadline', effective_deadline)
           FROM f
       )
       SELECT count(*)::int AS n FROM f`,
      [today, at],
    );
    return n;
  }

  /** Missed exit deadlines get notice (告知); an upheld objection to the same deadline stops a second notice. */
  async notify(m: EntityManager, today: string, at: Date): Promise<number> {
    const [{ n }] = await m.query(
      `WITH n AS (
         UPDATE obligations SET stage = 'notified', previous_stage = 'exit_ordered', notified_on = $1,
                updated_at = $2, version = version + 1
          WHERE stage = 'exit_ordered' AND effective_deadline < $1
            AND (stage_details->>'objectionUpheldFor') IS DISTINCT FROM effective_deadline::text
         RETURNING id, effective_deadline
       ), ev AS (
         INSERT INTO obligation_events (obligation_id, action, actor_id, actor_name, at, before, after, details)
         SELECT id, 'notify', NULL, 'sweep', $2, '{"stage": "exit_ordered"}',
                jsonb_build_object('stage', 'notified', 'notifiedOn', $1::text), jsonb_build_object('deadline', effective_deadline)
           FROM n
       )
       SELECT count(*)::int AS n FROM n`,
      [today, at],
    );
    return n;
  }

  /** A batch of notified obligations whose notice period (per dimension) has ended, locked for this transaction. */
  dueSanctions(m: EntityManager, today: string, noticeDays: Record<string, number>, limit: number): Promise<DueSanction[]> {
    return m.query(
      `SELECT o.id, o.uscc, e.name AS enterprise_name, o.dimension, o.department, o.county, o.basis,
              o.external_ref, to_char(o.effective_deadline, 'YYYY-MM-DD') AS missed_deadline
         FROM obligations o
         JOIN unnest($2::text[], $3::int[]) AS nd(dimension, days) ON nd.dimension = o.dimension
         JOIN enterprises e ON e.uscc = o.uscc
        WHERE o.stage = 'notified' AND o.notified_on + nd.days <= $1::date
        ORDER BY o.id
        LIMIT $4
        FOR UPDATE OF o`,
      [today, Object.keys(noticeDays), Object.values(noticeDays), limit],
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
  async dueRepairs(m: EntityManager, today: string, limit: number): Promise<string[]> {
    const rows = await m.query(
      `SELECT record_id FROM records
        WHERE status = 'active' AND exit_completed_on IS NOT NULL AND repair_eligible_on <= $1
        ORDER BY record_id LIMIT $2`,
      [today, limit],
    );
    return rows.map((r: { record_id: string }) => r.record_id);
  }

  /** Active records whose publication period has ended. */
  async dueExpiries(m: EntityManager, today: string, limit: number): Promise<string[]> {
    const rows = await m.query(
      `SELECT record_id FROM records WHERE status = 'active' AND publication_ends_on <= $1 ORDER BY record_id LIMIT $2`,
      [today, limit],
    );
    return rows.map((r: { record_id: string }) => r.record_id);
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
