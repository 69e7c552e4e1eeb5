import { DataSource } from 'typeorm';
import { DeliveryRollupService } from '../src/delivery-stats/delivery-rollup.service';
import { LATENCY_CLASS_SQL, latencyClass } from '../src/delivery-stats/latency-classes';
import { startTestApp, TestApp } from './support/app';
import { exitOrdered, sweep } from './support/sweep-fixtures';

// Attempts are written as the worker writes them, at chosen instants and durations, so that every figure the
// endpoint gives can be checked against the attempts themselves, before and after they are rolled up.
const NOW = '2025-06-01T04:00:00.000Z';

interface Item {
  start: string;
  delivered: number;
  failed: number;
  dead: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

describe('delivery figures over time', () => {
  let t: TestApp;
  let db: DataSource;
  let operator: string;
  let dept: string;
  let land: string;
  const sql = (text: string, params: unknown[] = []) => db.query(text, params);
  const stats = (query: string, key = operator) => t.request('GET', `/v1/ops/stats/deliveries${query}`, { key });
  const rollup = () => t.app.get(DeliveryRollupService).catchUp();

  /** The figures per bucket computed straight from the attempts (exact percentiles), for comparison. */
  async function truth(bucket: 'minute' | 'hour', from: string, until: string, target?: string) {
    const rows = await sql(
      `SELECT date_trunc($1, a.started_at) AS start,
              count(*) FILTER (WHERE outcome = 'delivered')::int AS delivered,
              count(*) FILTER (WHERE outcome = 'retry')::int AS failed,
              count(*) FILTER (WHERE outcome = 'dead')::int AS dead,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
              percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99
         FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
        WHERE a.started_at >= $2 AND a.started_at < $3 AND ($4::text IS NULL OR d.target = $4)
        GROUP BY 1`,
      [bucket, from, until, target ?? null],
    );
    return new Map<string, { delivered: number; failed: number; dead: number; p50: number; p99: number }>(
      rows.map((r: { start: Date }) => [new Date(r.start).toISOString(), r]),
    );
  }

  function expectMatches(items: Item[], exact: Awaited<ReturnType<typeof truth>>) {
    let counted = 0;
    for (const item of items) {
      const want = exact.get(item.start);
      if (!want) {
        expect(item).toEqual({ start: item.start, delivered: 0, failed: 0, dead: 0, p50Ms: null, p99Ms: null });
        continue;
      }
      counted++;
      expect([item.start, item.delivered, item.failed, item.dead]).toEqual([item.start, want.delivered, want.failed, want.dead]);
      // Latency classes are 19% wide: a percentile reads back within 10% (and rounding to whole ms).
      expect(Math.abs(item.p50Ms! - want.p50)).toBeLessThanOrEqual(0.1 * want.p50 + 0.5);
      expect(Math.abs(item.p99Ms! - want.p99)).toBeLessThanOrEqual(0.1 * want.p99 + 0.5);
    }
    expect(counted).toBe(exact.size);
  }

  beforeAll(async () => {
    t = await startTestApp({ outbound: { allow: ['127.0.0.1'] }, delivery: { relayIntervalMs: 3_600_000 } }, NOW);
    db = t.app.get(DataSource);
    const admin = await t.key({ role: 'admin' });
    operator = await t.key({ role: 'operator' });
    dept = await t.key({ role: 'department', department: 'industry_it' });
    const res = await t.request('POST', '/v1/subscriptions', { key: admin, body: { agency: 'land', domains: ['land_supply'], url: 'http://127.0.0.1:9/land' } });
    land = res.body.id;
    // Paused: the worker leaves the deliveries to this test.
    await t.request('PATCH', `/v1/subscriptions/${land}`, { key: admin, body: { state: 'paused' } });
    for (const n of [401, 402]) await exitOrdered(t, dept, n, '2025-05-20');
    await sweep(t, operator, '2025-05-21T08:00:00+08:00');
    await sweep(t, operator, '2025-05-31T08:00:00+08:00');
    t.clock.set(NOW);
    const deliveries: Array<{ id: string; target: string }> = await sql(`SELECT id, target FROM deliveries ORDER BY target, id`);
    expect(deliveries.filter((d) => d.target === land).length).toBeGreaterThan(0);
    // 600 attempts between 00:00 and 03:00 UTC: every third fails, every 50th is the last (dead); durations spread
    // from 1 ms to about 20 s, so that percentiles fall in many latency classes.
    await sql(
      `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, http_status, outcome)
       SELECT ($1::uuid[])[1 + i % array_length($1::uuid[], 1)], 1 + i / 100,
              '2025-06-01T00:00:00Z'::timestamptz + make_interval(secs => i * 18 + (i % 7)),
              (1 + (i * 7919) % 20000) / (1 + (i % 5) * 20),
              CASE WHEN i % 50 = 0 THEN 503 WHEN i % 3 = 0 THEN 500 ELSE 200 END,
              CASE WHEN i % 50 = 0 THEN 'dead' WHEN i % 3 = 0 THEN 'retry' ELSE 'delivered' END
         FROM generate_series(0, 599) AS i`,
      [deliveries.map((d) => d.id)],
    );
  });
  afterAll(() => t.close());

  it('classes latencies in SQL exactly as in TypeScript', async () => {
    const rows: Array<{ ms: number; c: number }> = await sql(
      `SELECT ms, ${LATENCY_CLASS_SQL('ms')} AS c FROM (SELECT generate_series(0, 2000) AS ms UNION ALL SELECT generate_series(2001, 400000, 37) UNION ALL SELECT (2 ^ generate_series(11, 18))::int) s`,
    );
    const differ = rows.filter((r) => r.c !== latencyClass(r.ms));
    expect(differ).toEqual([]);
    expect(rows.length).toBeGreaterThan(12_000);
  });

  it('counts every bucket from the attempts themselves before anything is rolled up', async () => {
    const res = await stats('?bucket=1m&since=2025-06-01T00:00:00Z&until=2025-06-01T03:00:00Z');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ bucket: '1m', since: '2025-06-01T00:00:00.000Z', until: '2025-06-01T03:00:00.000Z', target: null });
    expect(res.body.items).toHaveLength(180);
    expectMatches(res.body.items, await truth('minute', '2025-06-01T00:00:00Z', '2025-06-01T03:00:00Z'));
  });

  it('answers the same once rolled up, whether wholly or partly, and rolls each attempt up once', async () => {
    const query = '?bucket=1m&since=2025-06-01T00:00:00Z&until=2025-06-01T03:00:00Z';
    const before = (await stats(query)).body.items;
    // Half the range settled: rollups for the first part, the attempts themselves for the rest.
    t.clock.set('2025-06-01T01:32:00Z');
    await Promise.all([rollup(), rollup()]);
    t.clock.set(NOW);
    const part = (await stats(query)).body;
    expect(part.rolledUntil).toBe('2025-06-01T01:30:00.000Z');
    expect(part.items).toEqual(before);
    await Promise.all([rollup(), rollup(), rollup()]);
    const whole = (await stats(query)).body;
    expect(whole.rolledUntil).toBe('2025-06-01T03:58:00.000Z');
    expect(whole.items).toEqual(before);
    const [{ n }] = await sql(`SELECT sum(delivered + failed + dead)::int AS n FROM delivery_stats WHERE span = 'minute' AND target = '*'`);
    expect(n).toBe(600);
    const [{ h }] = await sql(`SELECT sum(delivered + failed + dead)::int AS h FROM delivery_stats WHERE span = 'hour' AND target <> '*'`);
    expect(h).toBe(600);
  });

  it('gives hours, and one target alone', async () => {
    const all = await stats('?bucket=1h&since=2025-06-01T00:00:00Z&until=2025-06-01T04:00:00Z');
    expect(all.body.items.map((i: Item) => i.start)).toEqual(['00', '01', '02', '03'].map((h) => `2025-06-01T${h}:00:00.000Z`));
    expectMatches(all.body.items, await truth('hour', '2025-06-01T00:00:00Z', '2025-06-01T04:00:00Z'));
    const one = await stats(`?bucket=1h&since=2025-06-01T00:00:00Z&until=2025-06-01T04:00:00Z&target=${land}`);
    expect(one.body.target).toBe(land);
    expectMatches(one.body.items, await truth('hour', '2025-06-01T00:00:00Z', '2025-06-01T04:00:00Z', land));
    const landTotal = one.body.items.reduce((n: number, i: Item) => n + i.delivered + i.failed + i.dead, 0);
    expect(landTotal).toBeGreaterThan(0);
    expect(landTotal).toBeLessThan(600);
  });

  it('cuts days at midnight in the jurisdiction and sums them from the hours', async () => {
    const res = await stats('?bucket=1d&since=2025-05-30T12:00:00%2B08:00');
    expect(res.status).toBe(200);
    // Asia/Shanghai: a day starts at 16:00 UTC the evening before; NOW (12:00 there) is in the day of 1 June.
    expect(res.body.items.map((i: Item) => i.start)).toEqual(['2025-05-29T16:00:00.000Z', '2025-05-30T16:00:00.000Z', '2025-05-31T16:00:00.000Z']);
    const [day] = await sql(
      `SELECT count(*) FILTER (WHERE outcome = 'delivered')::int AS delivered, count(*) FILTER (WHERE outcome = 'retry')::int AS failed,
              count(*) FILTER (WHERE outcome = 'dead')::int AS dead FROM delivery_attempts`,
    );
    expect(day).toEqual({ delivered: 392, failed: 196, dead: 12 });
    expect(res.body.items[2]).toMatchObject(day);
    expect(res.body.items[0]).toMatchObject({ delivered: 0, p50Ms: null });
  });

  it('shows circuit openings in the range and each target\'s circuit and queue age now', async () => {
    await sql(`INSERT INTO circuit_openings (target, opened_at) VALUES ($1, '2025-06-01T01:05:00Z'), ($1, '2025-05-01T00:00:00Z')`, [land]);
    await sql(`INSERT INTO target_health (target, circuit, consecutive_failures, opened_at) VALUES ($1, 'open', 5, '2025-06-01T01:05:00Z')`, [land]);
    const res = await stats('?bucket=1h&since=2025-06-01T00:00:00Z');
    expect(res.body.circuitOpenings).toEqual([{ target: land, openedAt: '2025-06-01T01:05:00.000Z' }]);
    const mine = res.body.targets.find((x: { target: string }) => x.target === land);
    expect(mine).toMatchObject({ circuit: 'open', circuitOpenedAt: '2025-06-01T01:05:00.000Z' });
    // The paused subscription's deliveries are waiting; the metrics count sees them.
    expect(mine.oldestPendingSince).toEqual(expect.any(String));
    expect(mine.oldestPendingAgeMs).toBe(Date.parse(NOW) - Date.parse(mine.oldestPendingSince));
  });

  it('refuses a bad bucket, a range the wrong way round or too long, and non-operators', async () => {
    expect((await stats('?bucket=5m')).status).toBe(400);
    const backwards = await stats('?bucket=1h&since=2025-06-01T03:00:00Z&until=2025-06-01T01:00:00Z');
    expect([backwards.status, backwards.body.details]).toEqual([400, [{ field: 'since', message: expect.any(String) }]]);
    const long = await stats('?bucket=1m&since=2025-05-01T00:00:00Z');
    expect([long.status, long.body.code, long.body.details.maxPoints]).toEqual([400, 'RANGE_TOO_LONG', 1440]);
    expect((await stats('?since=yesterday')).status).toBe(400);
    expect((await stats('', dept)).status).toBe(403);
  });

  it('forgets per-minute figures after minuteRetentionDays', async () => {
    const [{ before }] = await sql(`SELECT count(*)::int AS before FROM delivery_stats WHERE span = 'minute'`);
    expect(before).toBeGreaterThan(0);
    t.clock.set('2025-06-20T04:00:00Z');
    await rollup();
    const spans = await sql(`SELECT span, count(*)::int AS n FROM delivery_stats GROUP BY span ORDER BY span`);
    expect(spans).toEqual([{ span: 'hour', n: expect.any(Number) }]);
  });
});
