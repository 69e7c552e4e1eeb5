import { DataSource } from 'typeorm';
import type { TestApp } from './app';
import { exitOrdered, sweep } from './sweep-fixtures';

let next = 5000;

/**
 * Sanctions `count` fresh obligations (notice period 0 in the app's config) so their deliveries are written: their
 * exit deadline (2025-05-20) has passed, and a sweep at the clock's present gives notice and issues at once.
 */
export async function sanction(t: TestApp, keys: { dept: string; operator: string }, count = 1): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await exitOrdered(t, keys.dept, next++, '2025-05-20')).id);
  await sweep(t, keys.operator, t.clock.now().toISOString());
  const rows = await t.app.get(DataSource).query('SELECT record_id FROM records WHERE obligation_id = ANY($1::uuid[])', [ids]);
  return rows.map((r: { record_id: string }) => r.record_id);
}

export interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_http_status: number | null;
  last_error: string | null;
  final_reason: string | null;
}

export async function deliveriesTo(t: TestApp, subscriptionId: string): Promise<DeliveryRow[]> {
  return t.app
    .get(DataSource)
    .query(
      'SELECT id, status, attempts, next_attempt_at, last_http_status, last_error, final_reason FROM deliveries WHERE target = $1 ORDER BY created_at, id',
      [subscriptionId],
    );
}

/** Polls until the check passes (the relay and worker run in the background). */
export async function eventually<T>(check: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
