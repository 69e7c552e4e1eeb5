import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app';
import { deliveriesTo, eventually, sanction, subscribe, versionsTo } from './support/delivery-fixtures';
import { Receiver, startReceiver } from './support/receiver';

// Faults real agencies produce, each kept to the agency and the push that has it.

const SETUP = { outbound: { allow: ['127.0.0.1'] }, dimensions: { energy: { noticeDays: 0, measures: ['land_supply'] } } };

describe('fault isolation', () => {
  let rx: Receiver;
  let t: TestApp;
  let keys: { dept: string; operator: string };

  async function start(overrides: Record<string, unknown>): Promise<void> {
    t = await startTestApp({ ...SETUP, ...overrides });
    keys = { dept: await t.key({ role: 'department', department: 'industry_it' }), operator: await t.key({ role: 'operator' }) };
  }
  const health = async (target: string) =>
    (await t.app.get(DataSource).query('SELECT circuit, consecutive_failures FROM target_health WHERE target = $1', [target]))[0] ?? { circuit: 'closed', consecutive_failures: 0 };
  const count = (rows: Array<{ status: string }>, status: string) => rows.filter((r) => r.status === status).length;

  beforeEach(async () => {
    rx = await startReceiver();
  });
  afterEach(async () => {
    // The receiver first: it drops the pushes it left hanging, so the gateway's shutdown need not wait for them.
    await rx.close();
    await t.close();
  });

  it('records each push as it answers: one that hangs holds neither its job nor a healthy agency beside it', async () => {
    // Few queue jobs at once and a long timeout: if hanging pushes held jobs, nothing else would move.
    await start({ delivery: { timeoutMs: 30_000, leaseMs: 60_000, workerConcurrency: 2, jobBatch: 10 } });
    rx.respond('/stuck', [{ hang: true }]);
    rx.respond('/healthy', [{ hang: true }, { status: 200 }]);
    const stuck = await subscribe(t, rx, '/stuck', { maxConcurrency: 20 });
    const healthy = await subscribe(t, rx, '/healthy', { maxConcurrency: 20 });
    await sanction(t, keys, 30);
    // The healthy agency's first push hangs; the other 29, nine of them in its job, are delivered meanwhile.
    const rows = await eventually(() => deliveriesTo(t, healthy.id), (r) => r.length === 30 && count(r, 'delivered') === 29);
    expect(count(rows, 'in_flight')).toBe(1);
    const stuckRows = await deliveriesTo(t, stuck.id);
    expect(count(stuckRows, 'delivered')).toBe(0);
    expect(count(stuckRows, 'in_flight')).toBeLessThanOrEqual(20);
  });

  it('gives up on 20 answers of 400 at once, without opening the circuit', async () => {
    await start({ delivery: { circuit: { failureThreshold: 3, cooldownMs: 60_000 } } });
    rx.respond('/schema', [{ status: 400, body: '{"error":"unknown field"}' }]);
    const sub = await subscribe(t, rx, '/schema');
    await sanction(t, keys, 20);
    const rows = await eventually(() => deliveriesTo(t, sub.id), (r) => r.length === 20 && count(r, 'dead') === 20);
    expect(rows.every((r) => r.attempts === 1 && r.final_reason!.includes('400'))).toBe(true);
    expect(rx.count('/schema')).toBe(20);
    expect(await health(sub.id)).toMatchObject({ circuit: 'closed', consecutive_failures: 0 });
  });

  it('delivers to an agency answering "503, Retry-After: 1" once per message: pacing, not an outage', async () => {
    await start({ delivery: { circuit: { failureThreshold: 3, cooldownMs: 60_000 } } });
    rx.respondPerDelivery('/pacing', [{ status: 503, headers: { 'retry-after': '1' } }, { status: 200 }]);
    const sub = await subscribe(t, rx, '/pacing');
    await sanction(t, keys, 20);
    const failed = await eventually(() => deliveriesTo(t, sub.id), (r) => r.length === 20 && count(r, 'failed') === 20);
    // Each waits exactly what it was told, and the circuit stays closed.
    expect(failed.every((r) => r.next_attempt_at.getTime() === t.clock.now().getTime() + 1000)).toBe(true);
    expect(await health(sub.id)).toMatchObject({ circuit: 'closed', consecutive_failures: 0 });
    t.clock.advance(1000);
    const rows = await eventually(() => deliveriesTo(t, sub.id), (r) => count(r, 'delivered') === 20);
    expect(rows.every((r) => r.attempts === 2)).toBe(true);
    expect(rx.count('/pacing')).toBe(40);
  });

  it('lets a half-open circuit probe deliveries already attempted first', async () => {
    await start({ delivery: { circuit: { failureThreshold: 3, cooldownMs: 60_000, halfOpenProbes: 3 } } });
    // Every message fails its first push and goes through on its second.
    rx.respondPerDelivery('/flaky', [{ status: 503 }, { status: 200 }]);
    const sub = await subscribe(t, rx, '/flaky');
    const first = await sanction(t, keys, 6);
    await eventually(() => deliveriesTo(t, sub.id), (r) => r.length === 6 && count(r, 'failed') === 6);
    expect((await health(sub.id)).circuit).toBe('open');
    // New records while the circuit is open: due before the retries, never attempted.
    await sanction(t, keys, 4);
    t.clock.advance(61_000);
    // The probes are retries, which go through and close the circuit: the first records are all delivered.
    const ofFirst = async () => (await versionsTo(t, sub.id)).filter((r) => first.includes(r.record_id));
    await eventually(ofFirst, (r) => count(r, 'delivered') === 6);
    t.clock.advance(61_000);
    await eventually(() => deliveriesTo(t, sub.id), (r) => r.length === 10 && count(r, 'delivered') === 10);
    expect(rx.count('/flaky')).toBe(20);
  });
});
