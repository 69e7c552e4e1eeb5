import { DataSource } from 'typeorm';
import { DeliveryRelay } from '../src/delivery/relay.service';
import { startTestApp, TestApp } from './support/app';
import { completeExit, eventually, patchSubscription, sanction, subscribe, versionsTo } from './support/delivery-fixtures';
import { Receiver, startReceiver } from './support/receiver';

// Every target gets every record in force it wants, in order per record (DESIGN invariant 9 and section 3,
// Subscription): a new subscription, one whose domains widen, one enabled again, one that was disabled.

const SETUP = {
  outbound: { allow: ['127.0.0.1'] },
  // Records at once after the deadline; revoked at once when the exit completes.
  dimensions: { energy: { noticeDays: 0, measures: ['land_supply', 'tax_administration'], repair: { minMonths: 0, maxMonths: 36 } } },
};

describe('delivery completeness', () => {
  let rx: Receiver;
  let t: TestApp;
  let keys: { dept: string; operator: string };
  let db: DataSource;

  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(() => rx.close());
  // A fresh gateway per test: which records are in force is what each test is about.
  beforeEach(async () => {
    t = await startTestApp(SETUP);
    db = t.app.get(DataSource);
    keys = { dept: await t.key({ role: 'department', department: 'industry_it' }), operator: await t.key({ role: 'operator' }) };
  });
  afterEach(() => t.close());

  const pushed = (path: string) => rx.received(path).map((r) => `${r.body.record.recordId}:${r.body.record.version}`);
  const amend = async (recordId: string, measures: string[]) => {
    const res = await t.request('POST', `/v1/records/${recordId}/amendments`, { key: keys.dept, body: { measures, reason: '部分整改到位' } });
    expect(res.status).toBe(201);
  };
  /** One claim round by hand: whatever it may send to the target is leased now, by this round or the relay's own. */
  const claimRound = () => t.app.get(DeliveryRelay).tick();

  it('sends a new subscription the current version of every record in force, in record order, and no revoked one', async () => {
    const [a, b, c, d] = (await sanction(t, keys, 4)).sort();
    await amend(b, ['land_supply']);
    await completeExit(t, keys.dept, c);

    // One push at a time, so the order of arrival is the order of sending.
    const sub = await subscribe(t, rx, '/new', { domains: ['land_supply'], maxConcurrency: 1 });
    expect(sub.backfilled).toBe(3);
    await eventually(() => versionsTo(t, sub.id), (rows) => rows.length === 3 && rows.every((r) => r.status === 'delivered'));
    expect(pushed('/new')).toEqual([`${a}:1`, `${b}:2`, `${d}:1`]);
    expect(rx.received('/new').map((r) => r.body.type)).toEqual(['sanction.issued', 'sanction.amended', 'sanction.issued']);
    expect(rx.received('/new').every((r) => r.verified)).toBe(true);
  });

  it('sends a subscription whose domains widen the records in force it now wants, once', async () => {
    const [x, y] = (await sanction(t, keys, 2)).sort();
    await amend(y, ['land_supply']);
    const sub = await subscribe(t, rx, '/widen', { domains: ['tax_administration'] });
    expect(sub.backfilled).toBe(1);
    expect((await patchSubscription(t, sub.id, { domains: ['tax_administration', 'land_supply'] })).backfilled).toBe(1);
    // Nothing more to send: the same domains again, or fewer.
    expect((await patchSubscription(t, sub.id, { domains: ['land_supply', 'tax_administration'] })).backfilled).toBe(0);
    expect((await patchSubscription(t, sub.id, { domains: ['land_supply'] })).backfilled).toBe(0);
    await eventually(() => versionsTo(t, sub.id), (rows) => rows.length === 2 && rows.every((r) => r.status === 'delivered'));
    expect(pushed('/widen').sort()).toEqual([`${x}:1`, `${y}:2`]);
    const audit = await t.request('GET', `/v1/ops/audit?action=subscription.update&subjectId=${sub.id}`, { key: keys.operator });
    expect(audit.body.items.map((i: { details: unknown }) => i.details)).toContainEqual({ backfilled: 1 });
  });

  it('holds what is issued while a subscription is disabled and delivers it in order per record when enabled again', async () => {
    const sub = await subscribe(t, rx, '/disabled');
    expect(sub.backfilled).toBe(0);
    expect((await patchSubscription(t, sub.id, { state: 'disabled' })).state).toBe('disabled');
    const [p, q, r, s] = (await sanction(t, keys, 4)).sort();
    await completeExit(t, keys.dept, q);
    // A record an older gateway skipped for the disabled subscription: no row at all.
    await db.query(`DELETE FROM deliveries WHERE target = $1 AND record_id = $2`, [sub.id, s]);

    // Held, never sent while disabled.
    await claimRound();
    const held = await versionsTo(t, sub.id);
    expect(held.map((h) => `${h.record_id}:${h.version}:${h.status}:${h.attempts}`)).toEqual([`${p}:1:pending:0`, `${q}:1:pending:0`, `${q}:2:pending:0`, `${r}:1:pending:0`]);
    expect(rx.count('/disabled')).toBe(0);

    const enabled = await patchSubscription(t, sub.id, { state: 'active' });
    expect(enabled).toMatchObject({ state: 'active', backfilled: 1 });
    await eventually(() => versionsTo(t, sub.id), (rows) => rows.length === 5 && rows.every((row) => row.status === 'delivered'));
    const got = pushed('/disabled');
    expect([...got].sort()).toEqual([`${p}:1`, `${q}:1`, `${q}:2`, `${r}:1`, `${s}:1`]);
    // The revocation after its issue.
    expect(got.indexOf(`${q}:1`)).toBeLessThan(got.indexOf(`${q}:2`));
  });

  it('keeps a later version behind a cancelled earlier one unless the operator releases it', async () => {
    const sub = await subscribe(t, rx, '/cancelled');
    await patchSubscription(t, sub.id, { state: 'paused' });
    const [m, n] = (await sanction(t, keys, 2)).sort();
    await completeExit(t, keys.dept, m);
    await completeExit(t, keys.dept, n);
    const rows = await versionsTo(t, sub.id);
    const id = (record: string, version: number) => rows.find((x) => x.record_id === record && x.version === version)!.id;
    const cancel = (deliveryId: string, body: object) => t.request('POST', `/v1/ops/deliveries/${deliveryId}/cancel`, { key: keys.operator, body: { reason: 'agency asked', ...body } });
    expect((await cancel(id(m, 1), {})).body).toMatchObject({ status: 'cancelled', laterVersionsReleased: false });
    expect((await cancel(id(n, 1), { releaseLaterVersions: true })).body).toMatchObject({ status: 'cancelled', laterVersionsReleased: true });
    expect((await cancel(id(n, 2), { releaseLaterVersions: 'yes' })).status).toBe(400);

    await patchSubscription(t, sub.id, { state: 'active' });
    await eventually(() => versionsTo(t, sub.id), (now) => now.find((x) => x.id === id(n, 2))?.status === 'delivered');
    await claimRound();
    expect((await versionsTo(t, sub.id)).find((x) => x.id === id(m, 2))).toMatchObject({ status: 'pending', attempts: 0 });
    expect(pushed('/cancelled')).toEqual([`${n}:2`]);
    const detail = await t.request('GET', `/v1/ops/deliveries/${id(m, 2)}`, { key: keys.operator });
    expect(detail.body.heldBehind).toEqual([{ id: id(m, 1), version: 1, status: 'cancelled' }]);
    expect((await t.request('GET', `/v1/ops/deliveries/${id(n, 2)}`, { key: keys.operator })).body.heldBehind).toEqual([]);

    // Sending the earlier version again lets both through, in order.
    expect((await t.request('POST', `/v1/ops/deliveries/${id(m, 1)}/retry`, { key: keys.operator })).status).toBe(200);
    await eventually(() => versionsTo(t, sub.id), (now) => now.filter((x) => x.record_id === m).every((x) => x.status === 'delivered'));
    expect(pushed('/cancelled')).toEqual([`${n}:2`, `${m}:1`, `${m}:2`]);
  });
});
