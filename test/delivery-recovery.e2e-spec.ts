import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app';
import { eventually, sanction } from './support/delivery-fixtures';
import { Receiver, startReceiver } from './support/receiver';
import { workerProcesses } from './support/worker-process';

const SETUP = { outbound: { allow: ['127.0.0.1'] }, dimensions: { energy: { noticeDays: 0, measures: ['land_supply'] } } };

async function subscribe(t: TestApp, rx: Receiver, path: string, delayMs: number, maxConcurrency = 8) {
  rx.respond(path, [{ status: 200, delayMs }]);
  const admin = await t.key({ role: 'admin' });
  const res = await t.request('POST', '/v1/subscriptions', {
    key: admin,
    body: { agency: path.slice(1), domains: ['land_supply'], url: rx.url(path), maxConcurrency, ratePerSecond: 1000 },
  });
  rx.secret(path, res.body.secret);
  return res.body.id as string;
}

/** Every delivery of the target is delivered, and each was marked delivered by exactly one attempt. */
async function expectDeliveredOnce(t: TestApp, target: string, count: number, rx: Receiver, path: string) {
  const db = t.app.get(DataSource);
  const rows = await eventually(
    (): Promise<Array<{ id: string; status: string }>> => db.query(`SELECT id, status FROM deliveries WHERE target = $1`, [target]),
    (r: Array<{ id: string; status: string }>) => r.length === count && r.every((d) => d.status === 'delivered'),
    60000,
  );
  const marks = await db.query(
    `SELECT delivery_id, count(*)::int AS n FROM delivery_attempts WHERE outcome = 'delivered' AND delivery_id = ANY($1::uuid[]) GROUP BY delivery_id`,
    [rows.map((r: { id: string }) => r.id)],
  );
  expect(marks).toHaveLength(count);
  expect(marks.every((m: { n: number }) => m.n === 1)).toBe(true);
  const seen = new Set(rx.received(path).map((r) => r.webhookId));
  expect(rows.every((r: { id: string }) => seen.has(r.id))).toBe(true);
}

describe('losing Redis or the worker mid-run loses nothing', () => {
  let rx: Receiver;
  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(() => rx.close());

  it('finishes every delivery after the gateway keys are flushed from Redis mid-run', async () => {
    const t = await startTestApp(SETUP);
    try {
      const target = await subscribe(t, rx, '/flush', 30);
      await sanction(t, { dept: await t.key({ role: 'department', department: 'industry_it' }), operator: await t.key({ role: 'operator' }) }, 60);
      await eventually(async () => rx.count('/flush'), (n) => n >= 10);
      // The effect of FLUSHALL on this deployment, without disturbing other suites sharing the server.
      const redis = new Redis(t.config.redis.url);
      const keys = await redis.keys(`${t.config.redis.keyPrefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      t.clock.advance(t.config.delivery.leaseMs + 1000); // leases of the lost jobs run out
      await expectDeliveredOnce(t, target, 60, rx, '/flush');
    } finally {
      await t.close();
    }
  });

  it('finishes every delivery after the worker process is killed with SIGKILL mid-run', async () => {
    const t = await startTestApp({ ...SETUP, runtime: { roles: ['api'] } });
    const startWorker = workerProcesses(t, '{ leaseMs: 3000, relayIntervalMs: 50 }');
    let worker = startWorker();
    try {
      const target = await subscribe(t, rx, '/kill', 100, 4);
      await sanction(t, { dept: await t.key({ role: 'department', department: 'industry_it' }), operator: await t.key({ role: 'operator' }) }, 80);
      await eventually(async () => rx.count('/kill'), (n) => n >= 10, 60000);
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      const before = rx.count('/kill');
      expect(before).toBeLessThan(80);
      worker = startWorker();
      await expectDeliveredOnce(t, target, 80, rx, '/kill');
    } finally {
      worker.kill('SIGKILL');
      await t.close();
    }
  }, 120000);
});
