import { MigrationInterface, QueryRunner } from 'typeorm';

export class Records1764190200000 implements MigrationInterface {
  name = 'Records1764190200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE records (
        record_id char(26) PRIMARY KEY,
        obligation_id uuid NOT NULL REFERENCES obligations (id),
        missed_deadline date NOT NULL,
        uscc char(18) NOT NULL,
        department text NOT NULL,
        county text NOT NULL,
        dimension text NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'revoked')),
        current_version int NOT NULL,
        measures text[] NOT NULL,
        listed_on date NOT NULL,
        repair_eligible_on date NOT NULL,
        publication_ends_on date NOT NULL,
        exit_completed_on date,
        issued_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revocation_reason text
      )`);
    // The invariant "at most one record per obligation and missed deadline", enforced by the database.
    await q.query(`CREATE UNIQUE INDEX records_obligation_deadline_uq ON records (obligation_id, missed_deadline)`);
    await q.query(`CREATE INDEX records_uscc_idx ON records (uscc)`);
    // The sweep's due revocations and expiries read only active records.
    await q.query(`CREATE INDEX records_repair_due_idx ON records (repair_eligible_on) WHERE status = 'active' AND exit_completed_on IS NOT NULL`);
    await q.query(`CREATE INDEX records_expiry_idx ON records (publication_ends_on) WHERE status = 'active'`);

    await q.query(`
      CREATE TABLE record_versions (
        record_id char(26) NOT NULL REFERENCES records (record_id),
        version int NOT NULL,
        event text NOT NULL CHECK (event IN ('sanction.issued', 'sanction.amended', 'sanction.revoked')),
        -- The record is the JWS payload (its canonical JSON), kept once: served records are read back from it.
        jws text NOT NULL,
        record_hash char(64) NOT NULL,
        ledger_seq bigint NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (record_id, version)
      )`);

    await q.query(`
      CREATE TABLE ledger_entries (
        seq bigint PRIMARY KEY,
        record_id char(26) NOT NULL,
        version int NOT NULL,
        record_hash char(64) NOT NULL,
        prev_hash char(64) NOT NULL,
        appended_at timestamptz NOT NULL,
        hash char(64) NOT NULL,
        UNIQUE (record_id, version)
      )`);
    // One row; appenders lock it, so concurrent appends queue instead of forking the chain.
    await q.query(`
      CREATE TABLE ledger_head (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        seq bigint NOT NULL,
        hash char(64) NOT NULL
      )`);
    await q.query(`INSERT INTO ledger_head (id, seq, hash) VALUES (true, 0, repeat('0', 64))`);

    // Time-ordered (version 7) ids: a sweep inserts a million deliveries, and ids that grow with time keep
    // those inserts at the right edge of the primary-key index instead of scattering them across it.
    await q.query(`
      CREATE FUNCTION uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
        SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
          substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
      $$`);
    await q.query(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY DEFAULT uuid_v7(),
        record_id char(26) NOT NULL,
        version int NOT NULL,
        event text NOT NULL,
        target text NOT NULL,
        subscription_id uuid,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'in_flight', 'delivered', 'failed', 'dead', 'cancelled')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (record_id, version, target)
      )`);
    // No foreign keys here on purpose: only RecordWriter writes these rows, in the transaction that writes the
    // version they point to, and per-row key checks would double the cost of a sweep that issues 100,000 records.
    // Operators list a target's deliveries by status.
    await q.query(`CREATE INDEX deliveries_target_status_idx ON deliveries (target, status, created_at)`);

    await q.query(`
      CREATE TABLE sweep_runs (
        id bigserial PRIMARY KEY,
        as_of timestamptz NOT NULL,
        trigger text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        counts jsonb,
        error text
      )`);
    await q.query(`CREATE INDEX sweep_runs_started_idx ON sweep_runs (started_at DESC)`);
  }

  async down(): Promise<void> {
    throw new Error('migrations are forward-only');
  }
}
