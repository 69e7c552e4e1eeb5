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

  async oldestWaitingSince(): Promise<Date | null> {
    const [row] = await this.dataSource.query(`SELECT min(created_at) AS at FROM deliveries WHERE status IN ('pending', 'failed')`);
    return row?.at ? new Date(row.at) : null;
  }
}
