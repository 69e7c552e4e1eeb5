import type { TestApp } from './app';
import { enterprise, obligation } from './fixtures';

/** Registers an enterprise and an obligation already at exit_ordered with the given exit deadline. */
export async function exitOrdered(t: TestApp, key: string, n: number, exitDeadline: string, overrides: Record<string, unknown> = {}) {
  const e = enterprise(n);
  const created = await t.request('POST', '/v1/enterprises', { key, body: e });
  if (created.status >= 300) throw new Error(`enterprise: ${JSON.stringify(created.body)}`);
  const o = await t.request('POST', '/v1/obligations', {
    key,
    body: obligation(e.uscc, `SWEEP-${n}`, { stage: 'exit_ordered', issuedOn: '2025-05-01', deadline: exitDeadline, ...overrides }),
  });
  if (o.status !== 201) throw new Error(`obligation: ${JSON.stringify(o.body)}`);
  return o.body as { id: string; uscc: string };
}

export async function sweep(t: TestApp, key: string, asOf: string) {
  const res = await t.request('POST', '/v1/ops/sweeps', { key, body: { asOf } });
  if (res.status !== 200) throw new Error(`sweep: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { examined: number; notified: number; sanctioned: number; flagged: number; revoked: number; expired: number };
}
