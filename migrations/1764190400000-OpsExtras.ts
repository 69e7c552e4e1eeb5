import { MigrationInterface, QueryRunner } from 'typeorm';

export class OpsExtras1764190400000 implements MigrationInterface {
  name = 'OpsExtras1764190400000';

  async up(q: QueryRunner): Promise<void> {
    // Operators list and bulk-retry by status ("every dead delivery"), newest first, across all targets.
    await q.query(`CREATE INDEX deliveries_status_created_idx ON deliveries (status, created_at, id)`);
    // The targets view counts the last 24 hours of attempts.
    await q.query(`CREATE INDEX delivery_attempts_started_idx ON delivery_attempts (started_at)`);
    await q.query(`CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC, id DESC)`);
    await q.query(`CREATE INDEX ops_alerts_kind_idx ON ops_alerts (kind, at DESC, id DESC)`);
  }

  async down(): Promise<void> {
    throw new Error('migrations are forward-only');
  }
}
