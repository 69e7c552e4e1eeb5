import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface DeliveryFilter {
  status?: string[];
  target?: string;
  since?: string;
  until?: string;
  httpStatus?: number;
  error?: string;
  recordId?: string;
}

export interface DeliveryRow {
  id: string;
  record_id: string;
  version: number;
  event: string;
  target: string;
  status: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_http_status: number | null;
  last_error: string | null;
  final_reason: string | null;
  delivered_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface AttemptRow {
  attempt: number;
  started_at: Date;
  duration_ms: number;
  http_status: number | null;
  error: string | null;
  response_snippet: string | null;
  outcome: string;
}

const COLUMNS = `id, record_id, version, event, target, status, attempts, next_attempt_at, last_attempt_at, last_http_status,
  last_error, final_reason, delivered_at, created_at, updated_at`;

/** Appends the filter's conditions on deliveries to `where`, its values to `params`. */
export function filterSql(f: DeliveryFilter, where: string[], params: unknown[]): void {
  if (f.status?.length) where.push(`status = ANY($${params.push(f.status)}::text[])`);
  if (f.target !== undefined) where.push(`target = $${params.push(f.target)}`);
  if (f.since !== undefined) where.push(`created_at >= $${params.push(f.since)}::timestamptz`);
  if (f.until !== undefined) where.push(`created_at < $${params.push(f.until)}::timestamptz`);
  if (f.httpStatus !== undefined) where.push(`last_http_status = $${params.push(f.httpStatus)}`);
  if (f.error !== undefined) where.push(`last_error ILIKE $${params.push(`%${escapeLike(f.error)}%`)}`);
  if (f.recordId !== undefined) where.push(`record_id = $${params.push(f.recordId.toUpperCase())}`);
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class OpsDeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Newest first; keyset on (created_at, id). */
  list(f: DeliveryFilter & { before?: { createdAt: string; id: string }; limit: number }): Promise<DeliveryRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    filterSql(f, where, params);
    if (f.before) where.push(`(created_at, id) < ($${params.push(f.before.createdAt)}::timestamptz, $${params.push(f.before.id)}::uuid)`);
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT $${params.push(f.limit)}`,
      params,
    );
  }

  async findById(id: string, manager?: EntityManager, forUpdate = false): Promise<DeliveryRow | null> {
    const rows = await (manager ?? this.dataSource.manager).query(
      `SELECT ${COLUMNS} FROM deliveries WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  attempts(deliveryId: string): Promise<AttemptRow[]> {
    return this.dataSource.query(
      `SELECT attempt, started_at, duration_ms, http_status, error, response_snippet, outcome
         FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt, id`,
      [deliveryId],
    );
  }

  async versionJws(recordId: string, version: number): Promise<string | null> {
    const rows = await this.dataSource.query(`SELECT jws FROM record_versions WHERE record_id = $1 AND version = $2`, [recordId, version]);
    return rows[0]?.jws ?? null;
  }

  /** Due now; the attempt count and history stay, and a stale worker's lease no longer matches. */
  async markPending(manager: EntityManager, id: string, now: Date): Promise<DeliveryRow> {
    const [rows] = await manager.query(
      `UPDATE deliveries SET status = 'pending', next_attempt_at = $2, final_reason = NULL, lease_token = NULL, lease_until = NULL, updated_at = $2
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, now],
    );
    return rows[0];
  }

  async markCancelled(manager: EntityManager, id: string, reason: string, now: Date): Promise<DeliveryRow> {
    const [rows] = await manager.query(
      `UPDATE deliveries SET status = 'cancelled', final_reason = $2, lease_token = NULL, lease_until = NULL, updated_at = $3
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, reason, now],
    );
    return rows[0];
  }

  /** Rows a bulk job will go through: matching the filter and unchanged since the job started. */
  async countForBulk(f: DeliveryFilter, unchangedSince: Date): Promise<number> {
    const where: string[] = [];
    const params: unknown[] = [];
    filterSql(f, where, params);
    where.push(`updated_at <= $${params.push(unchangedSince)}`);
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM deliveries WHERE ${where.join(' AND ')}`, params);
    return n;
  }

  /**
   * Makes the next batch (in creation order after `after`) due now and answers what each row was before.
   * Rows a worker holds are skipped rather than waited for.
   */
  async retryBatch(
    manager: EntityManager,
    f: DeliveryFilter,
    unchangedSince: Date,
    after: { createdAt: Date; id: string } | null,
    limit: number,
    now: Date,
  ): Promise<Array<{ id: string; status: string; created_at: Date }>> {
    const where: string[] = [];
    const params: unknown[] = [];
    filterSql(f, where, params);
    where.push(`updated_at <= $${params.push(unchangedSince)}`);
    if (after) where.push(`(created_at, id) > ($${params.push(after.createdAt)}::timestamptz, $${params.push(after.id)}::uuid)`);
    return manager.query(
      `WITH picked AS (
         SELECT id, status, created_at FROM deliveries WHERE ${where.join(' AND ')}
          ORDER BY created_at, id LIMIT $${params.push(limit)} FOR UPDATE SKIP LOCKED
       ), changed AS (
         UPDATE deliveries d SET status = 'pending', next_attempt_at = $${params.push(now)}, final_reason = NULL,
                lease_token = NULL, lease_until = NULL, updated_at = $${params.length}
           FROM picked WHERE d.id = picked.id
       )
       SELECT id, status, created_at FROM picked ORDER BY created_at, id`,
      params,
    );
  }
}
