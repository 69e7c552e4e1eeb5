import { DataSource } from 'typeorm';
import { startSandbox, Sandbox } from '../sandbox/server';
import { startTestApp, TestApp } from './support/app';
import { deliveriesTo, eventually, sanction } from './support/delivery-fixtures';

// Reconciliation against the sandbox over real HTTP: the platform's listing, its repairs, and agencies' feedback.

const SECRET = 'whsec_' + Buffer.alloc(32, 9).toString('base64');
const AGENCY = 'tax-bureau';
const DAY_MS = 86_400_000;

interface Report {
  id: string;
  target: string;
  status: string;
  counts: Record<string, number>;
  items: Array<{ kind: string; recordId: string; localVersion: number | null; remoteVersion: number | null; action: string }>;
  nextCursor: string | null;
  error: string | null;
}

describe('reconciliation', () => {
  let sandbox: Sandbox;
  let t: TestApp;
  let keys: { dept: string; operator: string };
  let db: DataSource;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, platform: { clientId: 'heyuan-test', secret: SECRET }, now: () => t.clock.now() });
    t = await startTestApp({
      creditPlatform: { url: sandbox.platformUrl, clientId: 'heyuan-test', secret: SECRET },
      outbound: { allow: ['127.0.0.1'] },
      // Repair allowed at once, so completing the exit revokes the record on the spot.
      dimensions: { energy: { noticeDays: 0, repair: { minMonths: 0, maxMonths: 36 } } },
      // Small pages, so every run goes through many of them.
      reconciliation: { pageSize: 10 },
    });
    sandbox.setGatewayUrl(t.baseUrl);
    db = t.app.get(DataSource);
    keys = { dept: await t.key({ role: 'department', department: 'industry_it' }), operator: await t.key({ role: 'operator' }) };
  });
  afterAll(async () => {
    await t.close();
    await sandbox.close();
  });

  const platformRows = (ids: string[]) =>
    db.query(`SELECT record_id, version, status, attempts FROM deliveries WHERE target = 'credit-platform' AND record_id = ANY($1) ORDER BY record_id, version`, [ids]);
  const allDelivered = (rows: Array<{ status: string }>) => rows.every((r) => r.status === 'delivered');
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(sandbox.url + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, body: (await res.json()) as any };
  };

  /** Starts one, waits for its end, and reads every item through the cursor. */
  async function reconcile(target: string): Promise<Report> {
    const started = await t.request('POST', '/v1/ops/reconciliations', { key: keys.operator, body: { target } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: expect.any(String), target, status: 'running' });
    const done: Report = await eventually(
      async () => (await t.request('GET', `/v1/ops/reconciliations/${started.body.id}?limit=3`, { key: keys.operator })).body,
      (r: Report) => r.status !== 'running',
    );
    let page = done;
    const items = [...page.items];
    while (page.nextCursor) {
      page = (await t.request('GET', `/v1/ops/reconciliations/${done.id}?limit=3&cursor=${page.nextCursor}`, { key: keys.operator })).body;
      items.push(...page.items);
    }
    return { ...done, items };
  }

  it('finds what the platform forgot, missed or never had, repairs the first two and only flags the last', async () => {
    sandbox.faults.set('platform-batch', { forgetRate: 0.05, seed: 7 });
    const ids = await sanction(t, keys, 80);
    await eventually(() => platformRows(ids), (rows) => rows.length === 80 && allDelivered(rows));
    sandbox.faults.clear('platform-batch');
    const forgotten = ids.filter((id) => !sandbox.platform.table.get(id)).sort();
    expect(forgotten.length).toBeGreaterThan(0);
    expect(forgotten.length).toBe(sandbox.faults.stats('platform-batch').faults.forgotten);

    // Two records change here while the platform drops the new versions: one revoked, one amended.
    const [revoked, amended] = ids.filter((id) => !forgotten.includes(id));
    sandbox.faults.set('platform-batch', { forgetRate: 1 });
    const [{ obligation_id }] = await db.query('SELECT obligation_id FROM records WHERE record_id = $1', [revoked]);
    const exit = await t.request('POST', `/v1/obligations/${obligation_id}/exit-completed`, { key: keys.dept, body: { completedOn: '2025-05-31', method: 'dismantled' } });
    expect(exit.status).toBe(200);
    const amend = await t.request('POST', `/v1/records/${amended}/amendments`, { key: keys.dept, body: { measures: ['land_supply'], reason: '部分整改到位' } });
    expect(amend.status).toBe(201);
    await eventually(() => platformRows([revoked, amended]), (rows) => rows.length === 4 && allDelivered(rows));
    sandbox.faults.clear('platform-batch');
    expect(sandbox.platform.table.get(revoked)).toMatchObject({ version: 1, status: 'active' });

    // Something the platform holds under our source that the gateway never issued.
    const unknown = 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ';
    const seeded = await control('POST', '/control/platform/seed', {
      items: [{ recordId: unknown, version: 3, contentHash: 'ab'.repeat(32), status: 'active', source: t.config.creditPlatform.source }],
    });
    expect(seeded.status).toBe(200);

    // Run numbers about to gain a digit: newest first must still mean by number, not by text.
    await db.query(`SELECT setval(pg_get_serial_sequence('reconciliation_runs', 'seq'), 98)`);
    const report = await reconcile('credit-platform');
    expect(report.status).toBe('done');
    expect(report.error).toBeNull();
    expect(report.counts).toMatchObject({
      matched: 80 - forgotten.length - 2,
      missingRemote: forgotten.length,
      staleRemote: 1,
      revokedLocally: 1,
      unknownRemote: 1,
      repaired: forgotten.length + 2,
    });
    const byKind = (kind: string) => report.items.filter((i) => i.kind === kind);
    expect(byKind('missingRemote').map((i) => i.recordId)).toEqual(forgotten);
    expect(byKind('missingRemote').every((i) => i.action === 'redeliver' && i.localVersion === 1 && i.remoteVersion === null)).toBe(true);
    expect(byKind('revokedLocally')).toEqual([{ kind: 'revokedLocally', recordId: revoked, localVersion: 2, remoteVersion: 1, action: 'send_revocation' }]);
    expect(byKind('staleRemote')).toEqual([{ kind: 'staleRemote', recordId: amended, localVersion: 2, remoteVersion: 1, action: 'redeliver' }]);
    expect(byKind('unknownRemote')).toEqual([{ kind: 'unknownRemote', recordId: unknown, localVersion: null, remoteVersion: 3, action: 'flag' }]);

    // The repairs made the current versions due again; the relay has sent them and the platform now holds them.
    const [audit] = await db.query(`SELECT details FROM audit_log WHERE action = 'reconciliation.repair' AND subject_id = $1`, [report.id]);
    expect([...audit.details.recordIds].sort()).toEqual([...forgotten, revoked, amended].sort());
    await eventually(
      async () => [...forgotten, revoked, amended].map((id) => sandbox.platform.table.get(id)),
      (held) => held.every((h) => h !== undefined && (h.recordId === revoked ? h.status === 'revoked' : h.status === 'active')),
    );
    // Same delivery rows, sent a second time (the platform answers before the gateway records the attempt).
    await eventually(() => platformRows(forgotten), (rows) => rows.length === forgotten.length && rows.every((r: { attempts: number; status: string }) => r.attempts === 2 && r.status === 'delivered'));
    expect(await platformRows([unknown])).toEqual([]);
    expect(sandbox.platform.table.get(unknown)).toMatchObject({ version: 3, status: 'active' });

    const again = await reconcile('credit-platform');
    expect(again.counts).toMatchObject({ matched: 80, missingRemote: 0, staleRemote: 0, revokedLocally: 0, unknownRemote: 1, repaired: 0 });

    const list = await t.request('GET', '/v1/ops/reconciliations?limit=1', { key: keys.operator });
    expect(list.body.items).toEqual([expect.objectContaining({ id: again.id, status: 'done' })]);
    const next = await t.request('GET', `/v1/ops/reconciliations?limit=1&cursor=${list.body.nextCursor}`, { key: keys.operator });
    expect(next.body.items.map((r: { id: string }) => r.id)).toEqual([report.id]);
  });

  it('runs one reconciliation per target at a time and records a platform failure with its error', async () => {
    sandbox.faults.set('platform-list', { latencyMs: 300 });
    const first = await t.request('POST', '/v1/ops/reconciliations', { key: keys.operator, body: { target: 'credit-platform' } });
    expect(first.status).toBe(202);
    const second = await t.request('POST', '/v1/ops/reconciliations', { key: keys.operator, body: { target: 'credit-platform' } });
    expect(second.status).toBe(409);
    expect(second.body.message).toContain('target');
    await eventually(async () => (await t.request('GET', `/v1/ops/reconciliations/${first.body.id}`, { key: keys.operator })).body.status, (s) => s === 'done');

    sandbox.faults.set('platform-list', { errorRate: 1, statusCodes: [503] });
    try {
      const failed = await reconcile('credit-platform');
      expect(failed.status).toBe('failed');
      expect(failed.error).toContain('503');
    } finally {
      sandbox.faults.clear('platform-list');
    }
  });

  it('refuses bad targets and callers, naming the field', async () => {
    const post = (body: unknown, key = keys.operator) => t.request('POST', '/v1/ops/reconciliations', { key, body });
    for (const [body, status] of [[{ target: 'somewhere' }, 400], [{}, 400], [{ target: '6f1d2c3b-0000-4000-8000-000000000000' }, 422]] as const) {
      const res = await post(body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.body.message).toContain('target');
    }
    expect((await post({ target: 'credit-platform' }, keys.dept)).status).toBe(403);
    expect((await t.request('GET', '/v1/ops/reconciliations/6f1d2c3b-0000-4000-8000-000000000000', { key: keys.operator })).status).toBe(404);
    const bad = await t.request('GET', '/v1/ops/reconciliations?cursor=nope', { key: keys.operator });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('cursor');
  });

  it('reconciles a listing that comes shuffled and repeats items across pages', async () => {
    sandbox.faults.set('platform-batch', { forgetRate: 1 });
    const [lost] = await sanction(t, keys, 1);
    await eventually(() => platformRows([lost]), (rows) => rows.length === 1 && allDelivered(rows));
    sandbox.faults.clear('platform-batch');
    expect((await control('PUT', '/control/platform/listing', { order: 'shuffled', repeat: 0.5, seed: 11 })).status).toBe(200);
    try {
      const [{ n: local }] = await db.query(`SELECT count(*)::int AS n FROM records`);
      const report = await reconcile('credit-platform');
      expect(report.status).toBe('done');
      expect(report.counts).toMatchObject({ matched: local - 1, missingRemote: 1, staleRemote: 0, revokedLocally: 0, unknownRemote: 1, repaired: 1 });
      // Half of every page after the first came again: more items listed than the platform holds.
      expect(report.counts.listed).toBeGreaterThan(sandbox.platform.table.size);
      expect(report.items.filter((i) => i.kind !== 'unknownRemote')).toEqual([{ kind: 'missingRemote', recordId: lost, localVersion: 1, remoteVersion: null, action: 'redeliver' }]);
      await eventually(async () => sandbox.platform.table.get(lost), (held) => held?.status === 'active');
      // The run's staging table is gone.
      expect(await db.query(`SELECT relname FROM pg_class WHERE relname LIKE 'reconciliation_listing_%'`)).toEqual([]);
    } finally {
      await control('PUT', '/control/platform/listing', { order: 'recordId' });
    }
  });

  it('repairs what an agency should hold and has not received, and lists its records without feedback (督办)', async () => {
    const admin = await t.key({ role: 'admin' });
    const agency = await t.principal({ role: 'agency', name: '市税务局', domains: ['tax_administration'] });
    const [{ n: inForce }] = await db.query(`SELECT count(*)::int AS n FROM records WHERE status = 'active' AND 'tax_administration' = ANY(measures)`);
    const sub = await t.request('POST', '/v1/subscriptions', {
      key: admin,
      body: { agency: '市税务局', domains: ['tax_administration'], url: `${sandbox.url}/agencies/${AGENCY}/webhook`, principalId: agency.id },
    });
    expect(sub.status).toBe(201);
    // A late subscriber is sent every record in force it wants (backfill).
    expect(sub.body.backfilled).toBe(inForce);
    expect((await control('PUT', `/control/agencies/${AGENCY}`, { domains: ['tax_administration'], secrets: [sub.body.secret] })).status).toBe(200);
    const rows = await eventually(() => deliveriesTo(t, sub.body.id), (r) => r.length === inForce && allDelivered(r));
    const received = async () => (await control('GET', `/control/agencies/${AGENCY}/received`)).body.items as Array<{ recordId: string; version: number }>;
    expect(new Set((await received()).map((r) => r.recordId)).size).toBe(inForce);

    // What goes wrong: the agency refuses a new record and a revocation (422), and one delivery row is lost.
    const [revoked, lostRow, answeredId] = (await db.query(`SELECT record_id FROM deliveries WHERE id = ANY($1::uuid[]) ORDER BY record_id`, [rows.map((r) => r.id)])).map(
      (r: { record_id: string }) => r.record_id,
    );
    sandbox.faults.set(`agency-${AGENCY}`, { errorRate: 1, statusCodes: [422] });
    const [refused] = await sanction(t, keys, 1);
    const [{ obligation_id }] = await db.query('SELECT obligation_id FROM records WHERE record_id = $1', [revoked]);
    expect((await t.request('POST', `/v1/obligations/${obligation_id}/exit-completed`, { key: keys.dept, body: { completedOn: '2025-05-31', method: 'dismantled' } })).status).toBe(200);
    const dead = () => db.query(`SELECT record_id, version FROM deliveries WHERE target = $1 AND status = 'dead' ORDER BY record_id`, [sub.body.id]);
    await eventually(dead, (d) => d.length === 2);
    sandbox.faults.clear(`agency-${AGENCY}`);
    await db.query(`DELETE FROM deliveries WHERE target = $1 AND record_id = $2`, [sub.body.id, lostRow]);
    const answered = await control('POST', `/control/agencies/${AGENCY}/feedback`, { apiKey: agency.key, recordId: answeredId });
    expect(answered.body.results).toEqual([expect.objectContaining({ recordId: answeredId, status: 201 })]);

    const early = await reconcile(sub.body.id);
    expect(early.status).toBe('done');
    expect(early.counts).toMatchObject({ matched: 1, missingRemote: 2, staleRemote: 0, revokedLocally: 1, repaired: 3, noFeedback: 0, undelivered: 0 });
    expect(early.items).toEqual(
      [
        { kind: 'missingRemote', recordId: refused, localVersion: 1, remoteVersion: null, action: 'redeliver' },
        { kind: 'missingRemote', recordId: lostRow, localVersion: 1, remoteVersion: null, action: 'redeliver' },
        { kind: 'revokedLocally', recordId: revoked, localVersion: 2, remoteVersion: 1, action: 'send_revocation' },
      ].sort((a, b) => (a.recordId < b.recordId ? -1 : 1)),
    );
    // The repairs reach the agency: the refused record, the lost one, and the revocation after its issue.
    await eventually(received, (items) =>
      [refused, lostRow].every((id) => items.some((i) => i.recordId === id)) && items.some((i) => i.recordId === revoked && i.version === 2),
    );
    await eventually(() => deliveriesTo(t, sub.body.id), (r) => r.length === inForce + 2 && allDelivered(r));

    const again = await reconcile(sub.body.id);
    expect(again.counts).toMatchObject({ matched: 1, missingRemote: 0, staleRemote: 0, revokedLocally: 0, repaired: 0, awaitingFeedback: inForce, noFeedback: 0 });

    t.clock.advance(16 * DAY_MS);
    // Item ids about to gain a digit: pages must still follow them in order.
    await db.query(`SELECT setval(pg_get_serial_sequence('reconciliation_items', 'id'), 95)`);
    const late = await reconcile(sub.body.id);
    expect(late.status).toBe('done');
    expect(late.counts).toMatchObject({ matched: 1, awaitingFeedback: 0, noFeedback: inForce, undelivered: 0, missingRemote: 0 });
    const followUps = late.items.filter((i) => i.kind === 'noFeedback');
    expect(followUps).toHaveLength(inForce);
    expect(followUps.map((i) => i.recordId)).toEqual([...followUps.map((i) => i.recordId)].sort());
    expect(followUps.every((i) => i.action === 'follow_up' && i.recordId !== answeredId)).toBe(true);
  });
});
