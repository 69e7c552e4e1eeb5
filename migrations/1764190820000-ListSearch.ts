import { MigrationInterface, QueryRunner } from 'typeorm';

export class ListSearch1764190820000 implements MigrationInterface {
  name = 'ListSearch1764190820000';

  async up(q: QueryRunner): Promise<void> {
    // The public lists are searched by part of a name ("东江"): trigram indexes serve ILIKE '%…%' from three
    // characters on, Chinese included under a UTF-8 database.
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX enterprises_name_trgm_idx ON enterprises USING gin (name gin_trgm_ops)`);
    await q.query(`CREATE INDEX records_subject_name_trgm_idx ON records USING gin (subject_name gin_trgm_ops)`);
  }

  async down(): Promise<void> {
    throw new Error('migrations are forward-only');
  }
}
