import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface AuditRow {
  actorId: string | null;
  actorName: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  at: Date;
  before: object | null;
  after: object | null;
  details: object | null;
}

export interface AuditFilter {
  action?: string;
  subjectType?: string;
  subjectId?: string;
  since?: string;
  until?: string;
  before?: { at: string; id: string };
  limit: number;
}

export interface StoredAudit {
  id: string;
  actor_id: string | null;
  actor_name: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  at: Date;
  before: object | null;
  after: object | null;
  details: object | null;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager | null, row: AuditRow): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO audit_log (actor_id, actor_name, action, subject_type, subject_id, at, before, after, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb)`,
      [row.actorId, row.actorName, row.action, row.subjectType, row.subjectId, row.at, json(row.before), json(row.after), json(row.details)],
    );
  }

  /** Newest first; keyset on (at, id). */
  list(f: AuditFilter): Promise<StoredAudit[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.action !== undefined) add('action = ?', f.action);
    if (f.subjectType !== undefined) add('subject_type = ?', f.subjectType);
    if (f.subjectId !== undefined) add('subject_id = ?', f.subjectId);
    if (f.since !== undefined) add('at >= ?::timestamptz', f.since);
    if (f.until !== undefined) add('at < ?::timestamptz', f.until);
    if (f.before) {
      params.push(f.before.at, f.before.id);
      where.push(`(at, id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    params.push(f.limit);
    return this.dataSource.query(
      `SELECT id::text, actor_id, actor_name, action, subject_type, subject_id, at, before, after, details FROM audit_log
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY at DESC, audit_log.id DESC LIMIT $${params.length}`,
      params,
    );
  }
}

function json(value: object | null): string | null {
  return value === null ? null : JSON.stringify(value);
}
