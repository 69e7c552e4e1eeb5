import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface StoredAlert {
  id: string;
  kind: string;
  target: string;
  delivery_id: string | null;
  at: Date;
  details: Record<string, unknown>;
  sent_at: Date | null;
}

@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager | null, a: { kind: string; target: string; deliveryId: string | null; at: Date; details: object }): Promise<string> {
    const [row] = await (manager ?? this.dataSource.manager).query(
      `INSERT INTO ops_alerts (kind, target, delivery_id, at, details) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id::text`,
      [a.kind, a.target, a.deliveryId, a.at, JSON.stringify(a.details)],
    );
    return row.id;
  }

  /** Newest first; keyset on (at, id). */
  list(f: { kind?: string; since?: string; before?: { at: string; id: string }; limit: number }): Promise<StoredAlert[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.kind !== undefined) where.push(`kind = $${params.push(f.kind)}`);
    if (f.since !== undefined) where.push(`at >= $${params.push(f.since)}::timestamptz`);
    if (f.before) where.push(`(at, id) < ($${params.push(f.before.at)}::timestamptz, $${params.push(f.before.id)}::bigint)`);
    return this.dataSource.query(
      `SELECT id::text, kind, target, delivery_id, at, details, sent_at FROM ops_alerts
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY at DESC, ops_alerts.id DESC LIMIT $${params.push(f.limit)}`,
      params,
    );
  }

  /**
   * Hands the oldest unsent alerts to `send` while their rows stay locked, and marks them sent only when it
   * succeeds; other instances skip locked rows, so an alert is posted by one of them.
   */
  sendOldest(limit: number, sentAt: Date, send: (alerts: StoredAlert[]) => Promise<void>): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const rows: StoredAlert[] = await m.query(
        `SELECT id::text, kind, target, delivery_id, at, details, sent_at FROM ops_alerts
          WHERE sent_at IS NULL ORDER BY ops_alerts.id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (!rows.length) return 0;
      await send(rows);
      await m.query(`UPDATE ops_alerts SET sent_at = $2 WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id), sentAt]);
      return rows.length;
    });
  }
}
