import { MigrationInterface, QueryRunner } from 'typeorm';

export class DeliveryCompleteness1764191000000 implements MigrationInterface {
  name = 'DeliveryCompleteness1764191000000';

  async up(q: QueryRunner): Promise<void> {
    // A later version of a record waits for the earlier ones to reach the target. A cancelled earlier version
    // holds it back too, unless the operator released the later ones when cancelling (or reconciliation sent
    // the current version in its place): then `released` is true.
    await q.query(`ALTER TABLE deliveries ADD COLUMN released boolean NOT NULL DEFAULT false`);
    // The relay takes a target's due deliveries oldest first and, among equals (a sweep or a backfill writes
    // thousands at one instant), in record order: the index gives that order without sorting the backlog.
    await q.query(`DROP INDEX deliveries_target_due_idx`);
    await q.query(`CREATE INDEX deliveries_target_due_idx ON deliveries (target, next_attempt_at, record_id) WHERE status IN ('pending', 'failed')`);
    // Enough pushes in flight that an agency leaving some unanswered until the push timeout still gets the rest
    // (the gateway sets both from subscriptions.default* on every insert; these keep other writers in line).
    await q.query(`ALTER TABLE subscriptions ALTER COLUMN max_concurrency SET DEFAULT 32, ALTER COLUMN rate_per_second SET DEFAULT 100`);
  }

  async down(): Promise<void> {
    throw new Error('migrations are forward-only');
  }
}
