import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764190000000 implements MigrationInterface {
  name = 'Foundation1764190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE principals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'operator', 'department', 'agency')),
        department text,
        counties text[] NOT NULL DEFAULT '{}',
        domains text[] NOT NULL DEFAULT '{}',
        key_prefix text NOT NULL,
        key_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz,
        CHECK (role <> 'department' OR department IS NOT NULL)
      )`);
    // Every request authenticates by the key's hash.
    await q.query(`CREATE UNIQUE INDEX principals_key_hash_uq ON principals (key_hash)`);

    await q.query(`
      CREATE TABLE enterprises (
        uscc char(18) PRIMARY KEY,
        name text NOT NULL,
        county text NOT NULL,
        industry text NOT NULL,
        org_code_valid boolean NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX enterprises_county_idx ON enterprises (county, uscc)`);
    // The data-quality listing (?quality=org_code_mismatch) reads only the few bad codes.
    await q.query(`CREATE INDEX enterprises_org_code_mismatch_idx ON enterprises (uscc) WHERE NOT org_code_valid`);

    await q.query(`
      CREATE TABLE obligations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        uscc char(18) NOT NULL REFERENCES enterprises (uscc),
        dimension text NOT NULL,
        department text NOT NULL,
        county text NOT NULL,
        basis text NOT NULL,
        issued_on date NOT NULL,
        capacity jsonb NOT NULL,
        external_ref text NOT NULL,
        stage text NOT NULL CHECK (stage IN ('rectification', 'rectified', 'exit_ordered', 'notified', 'sanctioned', 'exited')),
        deadline date NOT NULL,
        -- The deadline the case was opened with; a repeated create is compared against it.
        initial_deadline date NOT NULL,
        extended_to date,
        extension_count int NOT NULL DEFAULT 0,
        effective_deadline date GENERATED ALWAYS AS (COALESCE(extended_to, deadline)) STORED,
        previous_stage text,
        notified_on date,
        rectification_overdue_on date,
        stage_details jsonb NOT NULL DEFAULT '{}',
        created_by uuid REFERENCES principals (id),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version int NOT NULL DEFAULT 1,
        CHECK (deadline >= issued_on)
      )`);
    await q.query(`CREATE UNIQUE INDEX obligations_department_ref_uq ON obligations (department, external_ref)`);
    // The sweep scans open stages by deadline.
    await q.query(`CREATE INDEX obligations_stage_deadline_idx ON obligations (stage, effective_deadline)`);
    await q.query(`CREATE INDEX obligations_uscc_idx ON obligations (uscc)`);
    // Listing pages in creation order, overall and per department.
    await q.query(`CREATE INDEX obligations_created_idx ON obligations (created_at, id)`);
    await q.query(`CREATE INDEX obligations_department_created_idx ON obligations (department, created_at, id)`);

    await q.query(`
      CREATE TABLE obligation_events (
        id bigserial PRIMARY KEY,
        obligation_id uuid NOT NULL REFERENCES obligations (id),
        action text NOT NULL,
        actor_id uuid,
        actor_name text NOT NULL,
        at timestamptz NOT NULL,
        before jsonb,
        after jsonb NOT NULL,
        details jsonb
      )`);
    await q.query(`CREATE INDEX obligation_events_obligation_idx ON obligation_events (obligation_id, id)`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        principal_id uuid NOT NULL,
        key text NOT NULL,
        route text NOT NULL,
        request_hash text NOT NULL,
        status_code int NOT NULL,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (principal_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);
  }

  async down(): Promise<void> {
    throw new Error('migrations are forward-only');
  }
}
