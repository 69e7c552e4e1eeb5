import { MigrationInterface, QueryRunner } from 'typeorm';

export class Restrictions1764190500000 implements MigrationInterface {
  name = 'Restrictions1764190500000';

  async up(q: QueryRunner): Promise<void> {
    // The query side of the records: one row per active record with its measures, kept by RecordWriter in
    // the transaction of every version, so an agency's lookup is one index probe and never a walk over
    // records. One row per record (not per measure) keeps a sweep that issues 100,000 records cheap.
    await q.query(`
      CREATE TABLE restrictions (
        record_id char(26) PRIMARY KEY,
        uscc char(18) NOT NULL,
        measures text[] NOT NULL,
        since date NOT NULL
      )`);
    await q.query(`CREATE INDEX restrictions_uscc_idx ON restrictions (uscc)`);
    await q.query(`
      INSERT INTO restrictions (record_id, uscc, measures, since)
      SELECT record_id, uscc, measures, listed_on FROM records WHERE status = 'active'`);

    // Who looked up which code, and when; listed newest first, overall or per principal.
    await q.query(`
      CREATE TABLE restriction_queries (
        id bigserial PRIMARY KEY,
        principal_id uuid NOT NULL,
        uscc char(18) NOT NULL,
        at timestamptz NOT NULL,
        batch boolean NOT NULL
      )`);
    await q.query(`CREATE INDEX restriction_queries_at_idx ON restriction_queries (at, id)`);
    await q.query(`CREATE INDEX restriction_queries_principal_idx ON restriction_queries (principal_id, at, id)`);
    await q.query(`CREATE INDEX restriction_queries_uscc_idx ON restriction_queries (uscc, at, id)`);
  }

  async down(): Promise<void> {
    throw new Error('migrations are forward-only');
  }
}
