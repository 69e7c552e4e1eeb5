import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { LATENCY_CLASS_SQL } from './latency-classes';

export type Span = 'minute' | 'hour';

/** Figures of one span of time: attempts by outcome and their latencies counted per class. */
export interface StatsRow {
  span: Span;
  /** A subscription id, `credit-platform`, or `*` for every target together. */
  target: string;
  start: Date;
  delivered: number;
  failed: number;
  dead: number;
  latency: number[];
}

/** One (target, start, latency class) cell of an aggregation over attempts; `target` null for all targets. */
export interface AttemptCell {
  target: string | null;
  start: Date;
  latencyClass: number;
  n: number;
  delivered: number;
  failed: number;
  dead: number;
}

const EPOCH = `'epoch'::timestamptz`;

@Injectable()
export class DeliveryStatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Where rolling up continues, with the progress row locked for this transaction; null when another instance
   * holds it (it is rolling up now). The first time, rolling up starts at the oldest attempt.
   */
  async lockProgress(m: EntityManager, now: Date): Promise<Date | null> {
    await m.query(
      `INSERT INTO delivery_stats_progress (rolled_until)
       SELECT date_bin('1 minute', COALESCE(min(started_at), $1::timestamptz), ${EPOCH}) FROM delivery_attempts
       ON CONFLICT (id) DO NOTHING`,
      [now],
    );
    const [row] = await m.query(`SELECT rolled_until FROM delivery_stats_progress FOR UPDATE SKIP LOCKED`);
    return row ? new Date(row.rolled_until) : null;
  }

  async rolledUntil(): Promise<Date | null> {
    const [row] = await this.dataSource.query(`SELECT rolled_until FROM delivery_stats_progress`);
    return row ? new Date(row.rolled_until) : null;
  }

  /** When the first attempt at or after `from` started; served by the started_at index. */
  async nextAttemptAt(m: EntityManager, from: Date): Promise<Date | null> {
    const [row] = await m.query(`SELECT min(started_at) AS at FROM delivery_attempts WHERE started_at >= $1`, [from]);
    return row?.at ? new Date(row.at) : null;
  }

  async advance(m: EntityManager, until: Date): Promise<void> {
    await m.query(`UPDATE delivery_stats_progress SET rolled_until = $1`, [until]);
  }

  /**
   * Attempts that started in [from, until), counted per bucket of `bucketSeconds` (aligned to `origin`) and
   * latency class, per target and (target null) for all; or for one target only. Served by the attempts'
   * started_at index; each attempt's target comes from its delivery's primary key.
   */
  attemptCells(from: Date, until: Date, bucketSeconds: number, origin: Date, target?: string, m?: EntityManager): Promise<AttemptCell[]> {
    const params: unknown[] = [from, until, `${bucketSeconds} seconds`, origin];
    const oneTarget = target !== undefined;
    if (oneTarget) params.push(target);
    return (m ?? this.dataSource.manager).query(
      `WITH a AS (
         SELECT d.target, date_bin($3::interval, a.started_at, $4::timestamptz) AS start, a.outcome,
                ${LATENCY_CLASS_SQL('a.duration_ms')} AS c
           FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
          WHERE a.started_at >= $1 AND a.started_at < $2 ${oneTarget ? 'AND d.target = $5' : ''}
       )
       SELECT target, start, c AS "latencyClass", count(*)::int AS n,
              count(*) FILTER (WHERE outcome = 'delivered')::int AS delivered,
              count(*) FILTER (WHERE outcome = 'retry')::int AS failed,
              count(*) FILTER (WHERE outcome = 'dead')::int AS dead
         FROM a
        GROUP BY ${oneTarget ? '(target, start, c)' : 'GROUPING SETS ((target, start, c), (start, c))'}`,
      params,
    );
  }

  /** Adds figures into the stored ones (a span rolled in two steps, e.g. an hour, adds up). */
  async add(m: EntityManager, rows: StatsRow[]): Promise<void> {
    if (!rows.length) return;
    await m.query(
      `INSERT INTO delivery_stats AS s (span, target, start, delivered, failed, dead, latency)
       SELECT span, target, start, delivered, failed, dead, latency
         FROM jsonb_to_recordset($1::jsonb) AS x(span text, target text, start timestamptz, delivered int, failed int, dead int, latency int[])
       ON CONFLICT (span, target, start) DO UPDATE SET
         delivered = s.delivered + EXCLUDED.delivered,
         failed = s.failed + EXCLUDED.failed,
         dead = s.dead + EXCLUDED.dead,
         latency = ARRAY(SELECT COALESCE(x, 0) + COALESCE(y, 0)
                           FROM unnest(s.latency, EXCLUDED.latency) WITH ORDINALITY AS t(x, y, i) ORDER BY i)`,
      [JSON.stringify(rows)],
    );
  }

  /** Stored figures of one target (or `*`) in [from, until), oldest first; served by the primary key. */
  async stored(span: Span, target: string, from: Date, until: Date): Promise<StatsRow[]> {
    const rows: StatsRow[] = await this.dataSource.query(
      `SELECT span, target, start, delivered, failed, dead, latency FROM delivery_stats
        WHERE span = $1 AND target = $2 AND start >= $3 AND start < $4 ORDER BY start`,
      [span, target, from, until],
    );
    return rows.map((r) => ({ ...r, start: new Date(r.start) }));
  }

  /** Drops the figures of a span that started before `before`. */
  async forget(span: Span, before: Date): Promise<number> {
    const [, count] = await this.dataSource.query(`DELETE FROM delivery_stats WHERE span = $1 AND start < $2`, [span, before]);
    return count ?? 0;
  }

  /** Circuit openings in [from, until), of one target or all, oldest first, at most `limit`. */
  circuitOpenings(from: Date, until: Date, target: string | undefined, limit: number): Promise<Array<{ target: string; openedAt: Date }>> {
    return this.dataSource.query(
      `SELECT target, opened_at AS "openedAt" FROM circuit_openings
        WHERE opened_at >= $1 AND opened_at < $2 AND ($3::text IS NULL OR target = $3)
        ORDER BY opened_at LIMIT $4`,
      [from, until, target ?? null, limit],
    );
  }

  /** Every target's circuit as it stands (targets never failing have no row: closed). */
  circuits(): Promise<Array<{ target: string; circuit: string; openedAt: Date | null }>> {
    return this.dataSource.query(`SELECT target, circuit, opened_at AS "openedAt" FROM target_health`);
  }
}
