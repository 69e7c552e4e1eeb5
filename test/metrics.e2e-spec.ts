import { DataSource } from 'typeorm';
import { MetricsRepository } from '../src/metrics/metrics.repository';
import { eventually } from './support/delivery-fixtures';
import { DeliveryMetrics } from '../src/metrics/delivery-metrics';
import { startTestApp, TestApp } from './support/app';
import { exitOrdered, sweep } from './support/sweep-fixtures';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not exposition format: ${line}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
      return { name: m[1], labels, value: Number(m[3]) };
    });
}

describe('GET /metrics', () => {
  let t: TestApp;
  let sub: string;

  const scrape = async () => {
    const res = await t.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return parse(res.body);
  };
  const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

  beforeAll(async () => {
    t = await startTestApp({ outbound: { allow: ['127.0.0.1'] }, delivery: { relayIntervalMs: 3_600_000 }, metrics: { refreshMs: 1000 } });
    const admin = await t.key({ role: 'admin' });
    const dept = await t.key({ role: 'department', department: 'industry_it' });
    const operator = await t.key({ role: 'operator' });
    const created = await t.request('POST', '/v1/subscriptions', { key: admin, body: { agency: 'land', domains: ['land_supply'], url: 'http://127.0.0.1:9/land' } });
    sub = created.body.id;
    // Paused: its rows exist but no worker claims them while the test counts.
    await t.request('PATCH', `/v1/subscriptions/${sub}`, { key: admin, body: { state: 'paused' } });
    for (const n of [401, 402, 403]) await exitOrdered(t, dept, n, '2025-05-20');
    await sweep(t, operator, '2025-05-21T08:00:00+08:00');
    expect((await sweep(t, operator, '2025-05-31T08:00:00+08:00')).sanctioned).toBe(3);
    t.clock.set('2025-06-01T04:00:00Z');
    const db = t.app.get(DataSource);
    await db.query(`UPDATE deliveries SET status = 'delivered' WHERE target = 'credit-platform'`);
    await db.query(
      `UPDATE deliveries SET status = 'dead' WHERE id IN (SELECT id FROM deliveries WHERE target = $1 ORDER BY id LIMIT 2)`,
      [sub],
    );
    await db.query(`UPDATE deliveries SET created_at = $2 WHERE target = $1 AND status = 'pending'`, [sub, '2025-06-01T03:00:00Z']);
  });
  afterAll(() => t.close());

  it('is public and counts deliveries by status and target from PostgreSQL', async () => {
    const samples = await scrape();
    expect(value(samples, 'gateway_deliveries', { status: 'delivered', target: 'credit-platform' })).toBe(3);
    expect(value(samples, 'gateway_deliveries', { status: 'dead', target: sub })).toBe(2);
    expect(value(samples, 'gateway_deliveries', { status: 'pending', target: sub })).toBe(1);
    expect(samples.filter((s) => s.name === 'gateway_deliveries').reduce((n, s) => n + s.value, 0)).toBe(6);
  });

  it('reports the age of the oldest waiting delivery against the injected clock', async () => {
    // The clock stands at 04:00Z; the pending row was created at 03:00Z.
    expect(value(await scrape(), 'gateway_oldest_pending_seconds')).toBe(3600);
  });

  it('counts the deliveries once per period however many scrape, and follows changes after it', async () => {
    const repository = t.app.get(MetricsRepository);
    const counts = jest.spyOn(repository, 'deliveryCounts');
    await new Promise((resolve) => setTimeout(resolve, 1050));
    await Promise.all(Array.from({ length: 30 }, () => scrape()));
    expect(counts.mock.calls.length).toBeLessThanOrEqual(2);
    counts.mockRestore();
    await t.app.get(DataSource).query(`UPDATE deliveries SET status = 'cancelled' WHERE target = $1 AND status = 'dead'`, [sub]);
    const samples = await eventually(scrape, (s) => value(s, 'gateway_deliveries', { status: 'dead', target: sub }) === undefined);
    expect(value(samples, 'gateway_deliveries', { status: 'cancelled', target: sub })).toBe(2);
  });

  it('asks for a token when one is configured', async () => {
    const guarded = await startTestApp({ metrics: { refreshMs: 200, token: 'scrape-secret-1234' } });
    try {
      expect((await guarded.request('GET', '/metrics')).status).toBe(401);
      expect((await guarded.request('GET', '/metrics', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
      expect((await guarded.request('GET', '/metrics', { headers: { authorization: 'Bearer scrape-secret-1234' } })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('shows queue depth for both queues, the worker metrics and process metrics', async () => {
    const metrics = t.app.get(DeliveryMetrics);
    metrics.observeAttempt(sub, 'delivered', 0.2);
    metrics.observeAttempt(sub, 'retry', 3);
    metrics.setCircuit(sub, true);
    const samples = await scrape();
    for (const queue of ['deliveries', 'ops']) {
      expect(value(samples, 'gateway_queue_jobs', { queue, state: 'waiting' })).toEqual(expect.any(Number));
      expect(value(samples, 'gateway_queue_jobs', { queue, state: 'failed' })).toEqual(expect.any(Number));
    }
    expect(value(samples, 'gateway_delivery_attempt_seconds_count', { target: sub, outcome: 'retry' })).toBe(1);
    expect(value(samples, 'gateway_delivery_attempt_seconds_bucket', { target: sub, outcome: 'delivered', le: '0.25' })).toBe(1);
    expect(value(samples, 'gateway_circuit_open', { target: sub })).toBe(1);
    expect(value(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });
});
