import { MigrationInterface, QueryRunner } from 'typeorm';

export class LawfulSanctions1764190800000 implements MigrationInterface {
  name = 'LawfulSanctions1764190800000';

  async up(q: QueryRunner): Promise<void> {
    // The simulated clock's offset from the system clock: one row, shared by every instance and restart.
    await q.query(`
      CREATE TABLE clock_state (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        offset_ms bigint NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text
      )`);

    // An enterprise's register changes are facts with an author, never silent overwrites.
    await q.query(`
      CREATE TABLE enterprise_events (
        id bigserial PRIMARY KEY,
        uscc char(18) NOT NULL REFERENCES enterprises (uscc),
        action text NOT NULL CHECK (action IN ('registered', 'changed')),
        actor_id uuid,
        actor_name text NOT NULL,
        at timestamptz NOT NULL,
        before jsonb,
        after jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX enterprise_events_uscc_idx ON enterprise_events (uscc, id)`);
    await q.query(`
      INSERT INTO enterprise_events (uscc, action, actor_id, actor_name, at, before, after)
      SELECT uscc, 'registered', NULL, 'registered before the register kept its history', created_at, NULL,
             jsonb_build_object('name', name, 'county', county, 'industry', industry)
        FROM enterprises ORDER BY created_at, uscc`);

    // Sealed exits carry a time limit for dismantling; the sweep flags one that passed without a dismantling report.
    await q.query(`ALTER TABLE obligations ADD COLUMN dismantle_by date, ADD COLUMN dismantling_overdue_on date`);
    await q.query(`
      CREATE INDEX obligations_dismantle_due_idx ON obligations (dismantle_by)
       WHERE dismantle_by IS NOT NULL AND dismantling_overdue_on IS NULL`);

    // The day a case left the yellow list (rectified, or exit ordered), so the list can show 移出日期.
    await q.query(`ALTER TABLE obligations ADD COLUMN rectification_ended_on date`);
    await q.query(`
      UPDATE obligations SET rectification_ended_on = COALESCE(
               civil_date(stage_details #>> '{rectified,verifiedOn}'),
               CASE WHEN stage_details ? 'rectificationDeadline' THEN civil_date(stage_details #>> '{exitOrder,decidedOn}') END)
       WHERE stage <> 'rectification'`);
    // One index serves the yellow list as it stands (stage rectification) and with the cases that have left it.
    await q.query(`DROP INDEX obligations_yellow_list_idx`);
    await q.query(`
      CREATE INDEX obligations_yellow_list_idx ON obligations (issued_on, id)
       WHERE stage = 'rectification' OR rectification_ended_on IS NOT NULL`);
    // The red list is now the cases closed by law, keyed by the closure date: the exit list's index serves it.
    await q.query(`DROP INDEX obligations_red_list_idx`);

    // Lists print the name the record was signed with, not whatever the register says today.
    await q.query(`ALTER TABLE records ADD COLUMN subject_name text`);
    await q.query(`
      UPDATE records r SET subject_name = convert_from(decode(rpad(translate(split_part(v.jws, '.', 2), '-_', '+/'),
               ((length(split_part(v.jws, '.', 2)) + 3) / 4) * 4, '='), 'base64'), 'UTF8')::jsonb #>> '{subject,name}'
        FROM record_versions v
       WHERE v.record_id = r.record_id AND v.version = 1`);
    await q.query(`ALTER TABLE records ALTER COLUMN subject_name SET NOT NULL`);
    // The sanctions list with removed records pages by (listed_on, record_id); the reports count by listed_on too.
    await q.query(`DROP INDEX records_listed_idx`);
    await q.query(`CREATE INDEX records_listed_idx ON records (listed_on, record_id)`);
  }

  async down(): Promise<void> {
    throw new Error('migrations are forward-only');
  }
}
