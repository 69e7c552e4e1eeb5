import { MigrationInterface, QueryRunner } from 'typeorm';

export class BoundedLookupLog1764190810000 implements MigrationInterface {
  name = 'BoundedLookupLog1764190810000';

  async up(q: QueryRunner): Promise<void> {
    // One row per request from now on: a batch keeps the number of codes it asked and their SHA-256, not a row
    // per code (a thousand-code batch was a thousand rows). Rows written before stay as they are, one code each.
    await q.query(`
      ALTER TABLE restriction_queries
        ALTER COLUMN uscc DROP NOT NULL,
        ADD COLUMN codes int NOT NULL DEFAULT 1,
        ADD COLUMN codes_hash char(64)`);
  }

  async down(): Promise<void> {
    throw new Error('migrations are forward-only');
  }
}
