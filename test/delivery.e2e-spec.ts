import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app';
import { deliveriesTo, eventually, sanction } from './support/delivery-fixtures';
import { Receiver, startReceiver } from './support/receiver';

describe('delivery engine', () => {
  let t: TestApp;
  let rx: Receiver;
  let keys: { dept: string; operator: string; admin: string };

  beforeAll(async () => {
    rx = await startReceiver();
    t = await startTestApp({
      outbound: { allow: ['127.0.0.1'] },
      dimensions: { energy: { noticeDays: 0, measures: ['land_supply'] } },
      delivery: { timeoutMs: 500, circuit: { failureThreshold: 3, cooldownMs: 60000 } },
    });
    keys = {
      dept: await t.key({ role: 'department', department: 'industry_it' }),
      operator: await t.key({ role: 'operator' }),
      admin: await t.key({ role: 'admin' }),
    };
  });
  afterAll(async () => {
    await t.close();
    await rx.close();
  });

  let paths = 0;
  async function subscribe(plan: Parameters<Receiver['respond']>[1]): Promise<{ id: string; path: string }> {
    const path = `/agency-${++paths}`;
    rx.respond(path, plan);
    // A new subscription is sent every record in force (backfill): earlier tests' records leave force first,
    // so each test counts the pushes of its own records only.
    await t.app.get(DataSource).query(`UPDATE records SET status = 'revoked' WHERE status = 'active'`);
    const res = await t.request('POST', '/v1/subscriptions', {
      key: keys.admin,
      body: { agency: path.slice(1), domains: ['land_supply'], url: rx.url(path) },
    });
    expect(res.status).toBe(201);
    rx.secret(path, res.body.secret);
    return { id: res.body.id, path };
  }

  /** Only this test's subscription stays active, so other tests' targets do not interfere. */
  async function only(id: string): Promise<void> {
    await t.app.get(DataSource).query(`UPDATE subscriptions SET state = 'paused' WHERE id <> $1 AND state = 'active'`, [id]);
  }

  it('retries a 503 with the same webhook-id and delivers on the 200, signed so a Standard Webhooks library verifies it', async () => {
    const sub = await subscribe([{ status: 503 }, { status: 200 }]);
    await only(sub.id);
    const [recordId] = await sanction(t, keys);
    const [failed] = await eventually(() => deliveriesTo(t, sub.id), (d) => d[0]?.status === 'failed');
    expect(failed).toMatchObject({ attempts: 1, last_http_status: 503 });
    const delay = failed.next_attempt_at.getTime() - t.clock.now().getTime();
    expect(delay).toBeGreaterThanOrEqual(4000);
    expect(delay).toBeLessThanOrEqual(6000);
    t.clock.advance(6000);
    await eventually(() => deliveriesTo(t, sub.id), (d) => d[0]?.status === 'delivered');
    const got = rx.received(sub.path);
    expect(got).toHaveLength(2);
    expect(got[0].webhookId).toBe(failed.id);
    expect(got[1].webhookId).toBe(failed.id);
    expect(got.every((r) => r.verified)).toBe(true);
    expect(got[1].body).toMatchObject({ type: 'sanction.issued', record: { recordId }, jws: expect.any(String) });
  });

  it('gives up at once on a 400, naming the status', async () => {
    const sub = await subscribe([{ status: 400 }]);
    await only(sub.id);
    await sanction(t, keys);
    const [dead] = await eventually(() => deliveriesTo(t, sub.id), (d) => d[0]?.status === 'dead');
    expect(dead.final_reason).toContain('400');
    expect(dead.attempts).toBe(1);
  });

  it('disables the subscription on a 410 and alerts operators', async () => {
    const sub = await subscribe([{ status: 410 }]);
    await only(sub.id);
    await sanction(t, keys);
    await eventually(() => deliveriesTo(t, sub.id), (d) => d[0]?.status === 'dead');
    const got = await t.request('GET', `/v1/subscriptions/${sub.id}`, { key: keys.admin });
    expect(got.body.state).toBe('disabled');
    const alerts = await t.app.get(DataSource).query(`SELECT kind FROM ops_alerts WHERE target = $1`, [sub.id]);
    expect(alerts.map((a: { kind: string }) => a.kind)).toEqual(expect.arrayContaining(['subscription.disabled', 'delivery.exhausted']));
  });

  it('honours Retry-After', async () => {
    const sub = await subscribe([{ status: 429, headers: { 'retry-after': '120' } }, { status: 200 }]);
    await only(sub.id);
    await sanction(t, keys);
    const [failed] = await eventually(() => deliveriesTo(t, sub.id), (d) => d[0]?.status === 'failed');
    expect(failed.next_attempt_at.getTime() - t.clock.now().getTime()).toBe(120_000);
  });

  it('counts a receiver that does not answer in time as a timeout and retries it', async () => {
    const sub = await subscribe([{ hang: true }]);
    await only(sub.id);
    await sanction(t, keys);
    const [failed] = await eventually(() => deliveriesTo(t, sub.id), (d) => d[0]?.status === 'failed');
    expect(failed.last_error).toBe('timeout');
  });

  it('alerts operators when a delivery keeps failing, and again when it goes through', async () => {
    const sub = await subscribe([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }]);
    await only(sub.id);
    await sanction(t, keys);
    for (let attempts = 1; attempts <= 4; attempts++) {
      const [failed] = await eventually(() => deliveriesTo(t, sub.id), (d) => d[0]?.status === 'failed' && d[0].attempts === attempts);
      // The next retry is due; by then an opened circuit has cooled down too.
      t.clock.advance(failed.next_attempt_at.getTime() - t.clock.now().getTime() + 1000);
    }
    const [delivered] = await eventually(() => deliveriesTo(t, sub.id), (d) => d[0]?.status === 'delivered');
    expect(delivered.attempts).toBe(5);
    const alerts = await t.app.get(DataSource).query(`SELECT kind, details FROM ops_alerts WHERE delivery_id = $1 ORDER BY id`, [delivered.id]);
    expect(alerts).toEqual([
      { kind: 'delivery.failing', details: expect.objectContaining({ attempt: 4, httpStatus: 503 }) },
      { kind: 'delivery.recovered', details: expect.objectContaining({ attempt: 5 }) },
    ]);
  });

  it('opens the circuit after consecutive failures and closes it when a probe succeeds after the cool-down', async () => {
    const sub = await subscribe([{ status: 500 }, { status: 500 }, { status: 500 }, { status: 200 }]);
    await only(sub.id);
    await sanction(t, keys, 3);
    const db = t.app.get(DataSource);
    const health = async () => (await db.query('SELECT circuit, consecutive_failures FROM target_health WHERE target = $1', [sub.id]))[0];
    await eventually(health, (h) => h?.circuit === 'open');
    const [opened] = await db.query('SELECT opened_at FROM target_health WHERE target = $1', [sub.id]);
    // The opening is kept for the charts, once.
    expect(await db.query('SELECT opened_at FROM circuit_openings WHERE target = $1', [sub.id])).toEqual([{ opened_at: opened.opened_at }]);
    t.clock.advance(10_000); // retries are due, but the circuit is still cooling down
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.count(sub.path)).toBe(3);
    t.clock.advance(60_000);
    await eventually(() => deliveriesTo(t, sub.id), (d) => d.length === 3 && d.every((x) => x.status === 'delivered'));
    expect(await health()).toMatchObject({ circuit: 'closed', consecutive_failures: 0 });
  });
});
