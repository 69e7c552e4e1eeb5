import { MigrationInterface, QueryRunner } from 'typeorm';

export class Delivery1764190300000 implements MigrationInterface {
  name = 'Delivery1764190300000';

  async up(q: QueryRunner): Promise<void> {
    // A claimed delivery holds a lease; only the holder of the current token may record its outcome.
    await q.query(`
      ALTER TABLE deliveries
        ADD COLUMN lease_token uuid,
        ADD COLUMN lease_until timestamptz,
        ADD COLUMN last_attempt_at timestamptz,
        ADD COLUMN last_http_status int,
        ADD COLUMN last_error text,
        ADD COLUMN delivered_at timestamptz,
        ADD COLUMN final_reason text`);
    // The relay claims per target, oldest due first, reading only the rows it takes; in-flight rows are few.
    await q.query(`CREATE INDEX deliveries_target_due_idx ON deliveries (target, next_attempt_at) WHERE status IN ('pending', 'failed')`);
    await q.query(`CREATE INDEX deliveries_target_lease_idx ON deliveries (target, lease_until) WHERE status = 'in_flight'`);
    await q.query(`CREATE INDEX deliveries_created_idx ON deliveries (created_at, id)`);

    await q.query(`
      CREATE TABLE delivery_attempts (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL,
        attempt int NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms int NOT NULL,
        http_status int,
        error text,
        response_snippet text,
        outcome text NOT NULL CHECK (outcome IN ('delivered', 'retry', 'dead'))
      )`);
    await q.query(`CREATE INDEX delivery_attempts_delivery_idx ON delivery_attempts (delivery_id, attempt)`);

    // Circuit breaker and failure clock per target (a subscription id or credit-platform).
    await q.query(`
      CREATE TABLE target_health (
        target text PRIMARY KEY,
        circuit text NOT NULL DEFAULT 'closed' CHECK (circuit IN ('closed', 'open', 'half_open')),
        consecutive_failures int NOT NULL DEFAULT 0,
        opened_at timestamptz,
        failing_since timestamptz,
        last_success_at timestamptz,
        last_failure_at timestamptz
      )`);

    await q.query(`
      CREATE TABLE ops_alerts (
        id bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('delivery.failing', 'delivery.exhausted', 'delivery.recovered', 'subscription.disabled')),
        target text NOT NULL,
        delivery_id uuid,
        at timestamptz NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        sent_at timestamptz
      )`);
    await q.query(`CREATE INDEX ops_alerts_at_idx ON ops_alerts (at DESC)`);
    await q.query(`CREATE INDEX ops_alerts_unsent_idx ON ops_alerts (id) WHERE sent_at IS NULL`);

    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        actor_id uuid,
        actor_name text NOT NULL,
        action text NOT NULL,
        subject_type text NOT NULL,
        subject_id text,
        at timestamptz NOT NULL,
        before jsonb,
        after jsonb,
        details jsonb
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id)`);

    await q.query(`
      CREATE TABLE bulk_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        filter jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
        total int,
        processed int NOT NULL DEFAULT 0,
        error text,
        created_by uuid,
        created_at timestamptz NOT NULL,
        finished_at timestamptz
      )`);
  }

  async down(): Promise<void> {
    throw new Error('migrations are forward-only');
  }
}
