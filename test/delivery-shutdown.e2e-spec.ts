import { DataSource } from 'typeorm';
import { UrlGuard } from '../src/subscriptions/url-guard';
import { startTestApp, TestApp } from './support/app';
import { deliveriesTo, eventually, sanction, subscribe } from './support/delivery-fixtures';
import { Receiver, startReceiver } from './support/receiver';
import { workerProcesses } from './support/worker-process';

const SETUP = { outbound: { allow: ['127.0.0.1'] }, dimensions: { energy: { noticeDays: 0, measures: ['land_supply'] } } };

describe('shutdown and DNS', () => {
  let rx: Receiver;
  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(() => rx.close());

  it('lets pushes in flight finish on SIGTERM and records them: each pushed once, marked delivered', async () => {
    const t = await startTestApp({ ...SETUP, runtime: { roles: ['api'] } });
    // Short leases, so what the first worker leased but never started comes back soon for the second.
    const startWorker = workerProcesses(t, '{ leaseMs: 5000, relayIntervalMs: 50, timeoutMs: 10000 }');
    let worker = startWorker();
    try {
      rx.respond('/slow', [{ status: 200, delayMs: 1500 }]);
      const sub = await subscribe(t, rx, '/slow', { maxConcurrency: 8 });
      await sanction(t, { dept: await t.key({ role: 'department', department: 'industry_it' }), operator: await t.key({ role: 'operator' }) }, 20);
      // Eight pushes reached the agency, which answers each after 1.5 s: stop the worker now.
      await eventually(async () => rx.count('/slow'), (n) => n >= 8, 60_000);
      worker.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => worker.once('exit', (c, signal) => resolve(c ?? (signal === 'SIGTERM' ? 0 : -1))));
      expect(code).toBe(0);

      const db = t.app.get(DataSource);
      const pushedOnce = rx.received('/slow').map((r) => r.webhookId!);
      expect(new Set(pushedOnce).size).toBe(pushedOnce.length);
      const rows = await db.query(`SELECT id, status, attempts FROM deliveries WHERE id = ANY($1::uuid[])`, [pushedOnce]);
      expect(rows).toHaveLength(pushedOnce.length);
      expect(rows.every((r: { status: string; attempts: number }) => r.status === 'delivered' && r.attempts === 1)).toBe(true);
      // No push was cut off: not one attempt failed.
      const [{ failures }] = await db.query(`SELECT count(*)::int AS failures FROM delivery_attempts WHERE outcome <> 'delivered'`);
      expect(failures).toBe(0);

      worker = startWorker();
      await eventually(() => deliveriesTo(t, sub.id), (all) => all.length === 20 && all.every((d) => d.status === 'delivered'), 60_000);
      const all = rx.received('/slow').map((r) => r.webhookId);
      expect(all).toHaveLength(20);
      expect(new Set(all).size).toBe(20);
    } finally {
      worker.kill('SIGKILL');
      await t.close();
    }
  }, 120_000);

  it('retries a host that does not resolve or whose resolver times out; refuses for good only an internal address', async () => {
    const t = await startTestApp({ dimensions: SETUP.dimensions });
    // What DNS answers, at send time, for the agency's host; a test has no DNS of its own to rely on.
    const guard = t.app.get(UrlGuard) as unknown as { resolve: (host: string) => Promise<string[]>; resolveTimeoutMs: number };
    const original = { resolve: guard.resolve, timeout: guard.resolveTimeoutMs };
    try {
      guard.resolve = async () => ['93.184.216.34'];
      const created = await t.request('POST', '/v1/subscriptions', {
        key: await t.key({ role: 'admin' }),
        body: { agency: '市自然资源局', domains: ['land_supply'], url: 'https://agency-hooks.invalid/sanctions' },
      });
      expect(created.status).toBe(201);
      const sub = { id: created.body.id as string };

      guard.resolve = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND agency-hooks.invalid'), { code: 'ENOTFOUND' }));
      await sanction(t, { dept: await t.key({ role: 'department', department: 'industry_it' }), operator: await t.key({ role: 'operator' }) }, 1);
      const [first] = await eventually(() => deliveriesTo(t, sub.id), (d) => d[0]?.status === 'failed');
      expect(first).toMatchObject({ attempts: 1, last_error: 'agency-hooks.invalid could not be resolved (ENOTFOUND)' });

      guard.resolveTimeoutMs = 50;
      guard.resolve = () => new Promise(() => undefined);
      t.clock.advance(first.next_attempt_at.getTime() - t.clock.now().getTime());
      const [second] = await eventually(() => deliveriesTo(t, sub.id), (d) => d[0]?.attempts === 2);
      expect(second).toMatchObject({ status: 'failed', last_error: 'resolving agency-hooks.invalid took longer than 50 ms' });

      guard.resolve = async () => ['10.20.30.40'];
      t.clock.advance(second.next_attempt_at.getTime() - t.clock.now().getTime());
      const [third] = await eventually(() => deliveriesTo(t, sub.id), (d) => d[0]?.attempts === 3);
      expect(third).toMatchObject({ status: 'dead', final_reason: 'url refused: agency-hooks.invalid resolves to 10.20.30.40, a private address' });
    } finally {
      guard.resolve = original.resolve;
      guard.resolveTimeoutMs = original.timeout;
      await t.close();
    }
  });
});
