import { MigrationInterface, QueryRunner } from 'typeorm';

export class PublicationIndexes1764190600000 implements MigrationInterface {
  name = 'PublicationIndexes1764190600000';

  async up(q: QueryRunner): Promise<void> {
    // Stage details keep their dates as YYYY-MM-DD text; a text-to-date cast is only STABLE (it reads DateStyle),
    // so it cannot appear in an index. Built from immutable parts, this one can; the API only stores ISO dates.
    await q.query(`
      CREATE FUNCTION civil_date(value text) RETURNS date
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT make_date(substr(value, 1, 4)::int, substr(value, 6, 2)::int, substr(value, 9, 2)::int) $$`);
    // The public lists page in these orders, filtered to a year by the same key.
    await q.query(`CREATE INDEX obligations_yellow_list_idx ON obligations (issued_on, id) WHERE stage = 'rectification'`);
    await q.query(`
      CREATE INDEX obligations_red_list_idx
          ON obligations ((COALESCE(civil_date(stage_details #>> '{exitOrder,decidedOn}'), issued_on)), id)
       WHERE stage IN ('exit_ordered', 'notified', 'sanctioned', 'exited')`);
    // Also the reports' "capacity exited within the period".
    await q.query(`
      CREATE INDEX obligations_exit_list_idx
          ON obligations ((civil_date(stage_details #>> '{exitCompleted,completedOn}')), id)
       WHERE stage = 'exited'`);
    await q.query(`CREATE INDEX records_active_listed_idx ON records (listed_on, record_id) WHERE status = 'active'`);
    // The reports count records issued and revoked within a period.
    await q.query(`CREATE INDEX records_listed_idx ON records (listed_on)`);
    await q.query(`CREATE INDEX records_revoked_at_idx ON records (revoked_at) WHERE revoked_at IS NOT NULL`);
  }

  async down(): Promise<void> {
    throw new Error('migrations are forward-only');
  }
}
