import type { SweepResult } from '../../src/sweep/sweep.service';
import type { TestApp } from './app';
import { enterprise, obligation } from './fixtures';

/** Registers an enterprise (in the obligation's county) and an obligation already at exit_ordered with the given exit deadline. */
export async function exitOrdered(t: TestApp, key: string, n: number, exitDeadline: string, overrides: Record<string, unknown> = {}) {
  const e = enterprise(n, overrides.county ? { county: overrides.county } : {});
  const created = await t.request('POST', '/v1/enterprises', { key, body: e });
  if (created.status >= 300) throw new Error(`enterprise: ${JSON.stringify(created.body)}`);
  const o = await t.request('POST', '/v1/obligations', {
    key,
    body: obligation(e.uscc, `SWEEP-${n}`, { stage: 'exit_ordered', issuedOn: '2025-05-01', deadline: exitDeadline, ...overrides }),
  });
  if (o.status !== 201) throw new Error(`obligation: ${JSON.stringify(o.body)}`);
  return o.body as { id: string; uscc: string };
}

/** Moves the test clock to `at` and runs a sweep there, as the scheduler would at that moment. */
export async function sweep(t: TestApp, key: string, at: string): Promise<SweepResult> {
  t.clock.set(at);
  const res = await t.request('POST', '/v1/ops/sweeps', { key, body: {} });
  if (res.status !== 200) throw new Error(`sweep: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as SweepResult;
}
