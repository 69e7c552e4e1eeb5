import { MigrationInterface, QueryRunner } from 'typeorm';

export class DeliveryStats1764190830000 implements MigrationInterface {
  name = 'DeliveryStats1764190830000';

  async up(q: QueryRunner): Promise<void> {
    // Attempts rolled up per minute and per hour (UTC-aligned), per target and for all targets together ('*'),
    // so that charts over days or months read a few thousand rows instead of millions of attempts. `latency`
    // counts attempts per latency class (src/delivery-stats/latency-classes.ts): spans merge by adding counts.
    await q.query(`
      CREATE TABLE delivery_stats (
        span text NOT NULL CHECK (span IN ('minute', 'hour')),
        target text NOT NULL,
        start timestamptz NOT NULL,
        delivered int NOT NULL,
        failed int NOT NULL,
        dead int NOT NULL,
        latency int[] NOT NULL,
        PRIMARY KEY (span, target, start)
      )`);
    // Everything that started before rolled_until is in delivery_stats; the row is locked while a rollup runs.
    await q.query(`
      CREATE TABLE delivery_stats_progress (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        rolled_until timestamptz NOT NULL
      )`);
    // Circuit openings, to be marked on the charts' time axis.
    await q.query(`
      CREATE TABLE circuit_openings (
        id bigserial PRIMARY KEY,
        target text NOT NULL,
        opened_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX circuit_openings_at_idx ON circuit_openings (opened_at, target)`);
  }

  async down(): Promise<void> {
    throw new Error('migrations are forward-only');
  }
}
