import { MigrationInterface, QueryRunner } from 'typeorm';

export class Reconciliation1764190700000 implements MigrationInterface {
  name = 'Reconciliation1764190700000';

  async up(q: QueryRunner): Promise<void> {
    // heartbeat_at moves with every page, so a run whose instance died is told apart from one still working.
    await q.query(`
      CREATE TABLE reconciliation_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Start order, for the newest-first listing: start times tie (and clocks differ between instances).
        seq bigserial NOT NULL UNIQUE,
        target text NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('api', 'schedule')),
        status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        heartbeat_at timestamptz NOT NULL,
        counts jsonb NOT NULL DEFAULT '{}',
        error text,
        created_by uuid
      )`);
    // One run at a time per target, across every instance: a second start conflicts instead of doubling repairs.
    await q.query(`CREATE UNIQUE INDEX reconciliation_runs_running_uq ON reconciliation_runs (target) WHERE status = 'running'`);

    await q.query(`
      CREATE TABLE reconciliation_items (
        id bigserial PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES reconciliation_runs (id),
        kind text NOT NULL CHECK (kind IN ('missingRemote', 'staleRemote', 'revokedLocally', 'unknownRemote', 'noFeedback', 'undelivered')),
        record_id text NOT NULL,
        local_version int,
        remote_version int,
        action text NOT NULL
      )`);
    // A report's items page in the order they were found.
    await q.query(`CREATE INDEX reconciliation_items_run_idx ON reconciliation_items (run_id, id)`);

    // 反馈: what an agency did about a record. The unique key is what makes a repeated report idempotent.
    await q.query(`
      CREATE TABLE feedback (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        record_id char(26) NOT NULL REFERENCES records (record_id),
        principal_id uuid NOT NULL REFERENCES principals (id),
        agency text NOT NULL,
        subscription_id uuid,
        domain text NOT NULL,
        action text NOT NULL,
        occurred_on date NOT NULL,
        reference text,
        note text,
        created_at timestamptz NOT NULL
      )`);
    // Also serves reconciliation's "has this agency answered for this record" probe (principal, record).
    await q.query(`CREATE UNIQUE INDEX feedback_identity_uq ON feedback (principal_id, record_id, domain, action, occurred_on)`);
    await q.query(`CREATE INDEX feedback_record_idx ON feedback (record_id, created_at, id)`);
    await q.query(`CREATE INDEX feedback_created_idx ON feedback (created_at, id)`);
    await q.query(`CREATE INDEX feedback_principal_created_idx ON feedback (principal_id, created_at, id)`);
  }

  async down(): Promise<void> {
    throw new Error('migrations are forward-only');
  }
}
