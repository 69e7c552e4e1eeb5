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

/** A subscription to `path` on the receiver, its secret registered there; answers what the API answered. */
export async function subscribe(
  t: TestApp,
  rx: { url(path: string): string; secret(path: string, ...secrets: string[]): void },
  path: string,
  body: { domains?: string[]; maxConcurrency?: number; ratePerSecond?: number } = {},
): Promise<{ id: string; backfilled: number }> {
  const admin = await t.key({ role: 'admin' });
  const res = await t.request('POST', '/v1/subscriptions', { key: admin, body: { agency: path.slice(1), domains: ['land_supply'], url: rx.url(path), ...body } });
  if (res.status !== 201) throw new Error(`subscription: ${res.status} ${JSON.stringify(res.body)}`);
  rx.secret(path, res.body.secret);
  return { id: res.body.id, backfilled: res.body.backfilled };
}

/** Changes a subscription as an admin would (PATCH); answers the changed subscription. */
export async function patchSubscription(t: TestApp, id: string, body: Record<string, unknown>): Promise<{ state: string; backfilled: number }> {
  const res = await t.request('PATCH', `/v1/subscriptions/${id}`, { key: await t.key({ role: 'admin' }), body });
  if (res.status !== 200) throw new Error(`patch: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Completes the exit of the record's obligation; with a repair minimum of 0 months the record is revoked at once. */
export async function completeExit(t: TestApp, deptKey: string, recordId: string): Promise<void> {
  const [{ obligation_id }] = await t.app.get(DataSource).query('SELECT obligation_id FROM records WHERE record_id = $1', [recordId]);
  const res = await t.request('POST', `/v1/obligations/${obligation_id}/exit-completed`, { key: deptKey, body: { completedOn: '2025-05-31', method: 'dismantled' } });
  if (res.status !== 200) throw new Error(`exit-completed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The deliveries of the records to one target, by record and version. */
export async function versionsTo(t: TestApp, target: string): Promise<Array<{ id: string; record_id: string; version: number; status: string; attempts: number }>> {
  return t.app
    .get(DataSource)
    .query('SELECT id, record_id, version, status, attempts FROM deliveries WHERE target = $1 ORDER BY record_id, version', [target]);
}
