import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DELIVERY_COLUMNS, DeliveryRow } from '../delivery/delivery.repository';
import { DeliveryFilter, filterSql } from '../delivery/delivery-filter';

export interface AttemptRow {
  attempt: number;
  started_at: Date;
  duration_ms: number;
  http_status: number | null;
  error: string | null;
  response_snippet: string | null;
  outcome: string;
}

export interface HoldingRow {
  id: string;
  version: number;
  status: string;
}

/** What operators read of deliveries; every change goes through DeliveryRepository. */
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
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT $${params.push(f.limit)}`,
      params,
    );
  }

  /** One delivery; locked until the end of the caller's transaction when `forUpdate`. */
  async findById(id: string, manager?: EntityManager, forUpdate = false): Promise<DeliveryRow | null> {
    const rows = await (manager ?? this.dataSource.manager).query(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
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

  /** Earlier versions of the record to the same target that hold this delivery back (as the relay judges it). */
  heldBehind(d: Pick<DeliveryRow, 'record_id' | 'version' | 'target'>): Promise<HoldingRow[]> {
    return this.dataSource.query(
      `SELECT id, version, status FROM deliveries
        WHERE record_id = $1 AND target = $2 AND version < $3 AND status <> 'delivered' AND NOT (status = 'cancelled' AND released)
        ORDER BY version`,
      [d.record_id, d.target, d.version],
    );
  }

  async versionJws(recordId: string, version: number): Promise<string | null> {
    const rows = await this.dataSource.query(`SELECT jws FROM record_versions WHERE record_id = $1 AND version = $2`, [recordId, version]);
    return rows[0]?.jws ?? null;
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
}
