import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The deliveries' figures, counted once per metrics.refreshMs (DeliverySnapshots), not per scrape. */
@Injectable()
export class MetricsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Served by the (target, status, created_at) index. */
  deliveryCounts(): Promise<Array<{ status: string; target: string; n: number }>> {
    return this.dataSource.query(`SELECT status, target, count(*)::int AS n FROM deliveries GROUP BY status, target`);
  }

  /** When each target's oldest delivery still pending or failed was created (targets with none are absent). */
  async oldestWaitingByTarget(): Promise<Record<string, string>> {
    const rows: Array<{ target: string; at: Date }> = await this.dataSource.query(
      `SELECT target, min(created_at) AS at FROM deliveries WHERE status IN ('pending', 'failed') GROUP BY target`,
    );
    return Object.fromEntries(rows.map((r) => [r.target, new Date(r.at).toISOString()]));
  }
}
