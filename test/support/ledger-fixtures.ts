import { DataSource } from 'typeorm';
import type { TestApp } from './app';
import { exitOrdered, sweep } from './sweep-fixtures';

/** Config for apps that issue records at once: no notice period, and subscriptions allowed on 127.0.0.1. */
export const ISSUE_AT_ONCE = { dimensions: { energy: { noticeDays: 0 } }, outbound: { allow: ['127.0.0.1'] } };

/**
 * Issues one signed record per number through the API (obligations past their exit deadline, then a sweep), on an
 * app started with ISSUE_AT_ONCE. Returns the record ids in ledger order.
 */
export async function issueRecords(t: TestApp, from: number, count: number): Promise<string[]> {
  const dept = await t.key({ role: 'department', department: 'industry_it' });
  const operator = await t.key({ role: 'operator' });
  const ids: string[] = [];
  for (let n = from; n < from + count; n++) ids.push((await exitOrdered(t, dept, n, '2025-05-20')).id);
  const counts = await sweep(t, operator, t.clock.now().toISOString());
  if (counts.sanctioned !== count) throw new Error(`sweep issued ${counts.sanctioned} records, not ${count}`);
  const rows: Array<{ record_id: string }> = await t.app.get(DataSource).query(
    `SELECT r.record_id FROM records r JOIN record_versions v ON v.record_id = r.record_id AND v.version = 1
      WHERE r.obligation_id = ANY($1::uuid[]) ORDER BY v.ledger_seq`,
    [ids],
  );
  return rows.map((r) => r.record_id);
}
