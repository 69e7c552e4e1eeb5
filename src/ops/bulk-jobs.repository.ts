import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface BulkJobRow {
  id: string;
  kind: string;
  filter: Record<string, unknown>;
  status: 'queued' | 'running' | 'done' | 'failed';
  total: number | null;
  processed: number;
  error: string | null;
  created_by: string | null;
  creator_name: string | null;
  created_at: Date;
  finished_at: Date | null;
}

@Injectable()
export class BulkJobsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, job: { kind: string; filter: object; createdBy: string | null; createdAt: Date }): Promise<string> {
    const [row] = await manager.query(
      `INSERT INTO bulk_jobs (kind, filter, status, created_by, created_at) VALUES ($1, $2::jsonb, 'queued', $3, $4) RETURNING id`,
      [job.kind, JSON.stringify(job.filter), job.createdBy, job.createdAt],
    );
    return row.id;
  }

  async find(id: string): Promise<BulkJobRow | null> {
    const rows = await this.dataSource.query(
      `SELECT j.id, j.kind, j.filter, j.status, j.total, j.processed, j.error, j.created_by, p.name AS creator_name, j.created_at, j.finished_at
         FROM bulk_jobs j LEFT JOIN principals p ON p.id = j.created_by WHERE j.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Jobs whose queue entry may have been lost with Redis. */
  async unfinished(): Promise<Array<{ id: string; kind: string }>> {
    return this.dataSource.query(`SELECT id, kind FROM bulk_jobs WHERE status IN ('queued', 'running') ORDER BY created_at`);
  }

  async start(id: string, total: number): Promise<void> {
    await this.dataSource.query(`UPDATE bulk_jobs SET status = 'running', total = $2, error = NULL WHERE id = $1`, [id, total]);
  }

  async advance(manager: EntityManager, id: string, by: number): Promise<void> {
    await manager.query(`UPDATE bulk_jobs SET processed = processed + $2 WHERE id = $1`, [id, by]);
  }

  async finish(id: string, at: Date, error: string | null): Promise<void> {
    await this.dataSource.query(`UPDATE bulk_jobs SET status = $2, error = $3, finished_at = $4 WHERE id = $1`, [id, error ? 'failed' : 'done', error, at]);
  }
}
