import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * The simulated clock's one row: its offset from the system clock in milliseconds. Kept in PostgreSQL so that
 * every instance and every restart tells the same time.
 */
@Injectable()
export class ClockRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores the first offset unless one is stored already; answers the offset in force. */
  async initialise(offsetMs: number): Promise<number> {
    await this.dataSource.query(
      `INSERT INTO clock_state (id, offset_ms, updated_at) VALUES (true, $1, now()) ON CONFLICT (id) DO NOTHING`,
      [Math.round(offsetMs)],
    );
    return this.offset();
  }

  async offset(): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT offset_ms::float8 AS offset FROM clock_state WHERE id`);
    return row ? Number(row.offset) : 0;
  }

  /**
   * Sets a later offset; the comparison in the statement makes concurrent moves safe. Offsets compare as the
   * instants they give at one system time, so a smaller offset would be a move back. Null when refused.
   */
  async advance(offsetMs: number, by: string | null): Promise<number | null> {
    const [rows] = await this.dataSource.query(
      `UPDATE clock_state SET offset_ms = $1, updated_at = now(), updated_by = $2 WHERE id AND offset_ms <= $1 RETURNING offset_ms::float8 AS offset`,
      [Math.round(offsetMs), by],
    );
    return rows.length ? Number(rows[0].offset) : null;
  }
}
