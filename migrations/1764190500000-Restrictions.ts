import { MigrationInterface, QueryRunner } from 'typeorm';

export class Restrictions1764190500000 implements MigrationInterface {
  name = 'Restrictions1764190500000';

  async up(q: QueryRunner): Promise<void> {
    // The query side of the records: one row per active record and measure, kept by RecordWriter in the
    // transaction of every version, so an agency's lookup is one index probe and never a walk over records.
    // The key's order serves "these codes in these domains".
    await q.query(`
      CREATE TABLE restrictions (
        uscc char(18) NOT NULL,
        domain text NOT NULL,
        record_id char(26) NOT NULL,
        since date NOT NULL,
        PRIMARY KEY (uscc, domain, record_id)
      )`);
    // Amendments and revocations remove a record's rows by its id.
    await q.query(`CREATE INDEX restrictions_record_idx ON restrictions (record_id)`);
    await q.query(`
      INSERT INTO restrictions (uscc, domain, record_id, since)
      SELECT r.uscc, m.domain, r.record_id, r.listed_on
        FROM records r, unnest(r.measures) AS m(domain)
       WHERE r.status = 'active'
      ON CONFLICT DO NOTHING`);

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
