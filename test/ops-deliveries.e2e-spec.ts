import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app';
import { exitOrdered, sweep } from './support/sweep-fixtures';

const ENERGY_MEASURES = ['land_supply', 'tax_administration'];
const NOW = '2025-06-01T04:00:00.000Z';

describe('operator delivery operations', () => {
  let t: TestApp;
  let db: DataSource;
  let operator: { id: string; key: string; name: string };
  let agency: string;
  let dept: string;
  let subs: { land: string; tax: string };
  let records: string[];
  /** delivery id by "<record index>:<land|tax|platform>" */
  const ids: Record<string, string> = {};

  const sql = (text: string, params: unknown[] = []) => db.query(text, params);
  const list = (query: string, key = operator.key) => t.request('GET', `/v1/ops/deliveries${query}`, { key });
  const idsOf = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((i) => i.id).sort();

  beforeAll(async () => {
    // Paused subscriptions still get delivery rows but are never claimed, so the worker leaves them to this test.
    t = await startTestApp({ outbound: { allow: ['127.0.0.1'] }, dimensions: { energy: { measures: ENERGY_MEASURES } }, delivery: { relayIntervalMs: 3_600_000 } }, NOW);
    db = t.app.get(DataSource);
    const admin = await t.key({ role: 'admin' });
    operator = await t.principal({ role: 'operator' });
    agency = await t.key({ role: 'agency', domains: ['land_supply'] });
    dept = await t.key({ role: 'department', department: 'industry_it' });
    const made: Record<string, string> = {};
    for (const [name, domain] of [['land', 'land_supply'], ['tax', 'tax_administration']]) {
      const res = await t.request('POST', '/v1/subscriptions', { key: admin, body: { agency: name, domains: [domain], url: `http://127.0.0.1:9/${name}` } });
      expect(res.status).toBe(201);
      made[name] = res.body.id;
      expect((await t.request('PATCH', `/v1/subscriptions/${res.body.id}`, { key: admin, body: { state: 'paused' } })).status).toBe(200);
    }
    subs = made as typeof subs;
    for (const n of [301, 302, 303]) await exitOrdered(t, dept, n, '2025-05-20');
    await sweep(t, operator.key, '2025-05-21T08:00:00+08:00');
    expect((await sweep(t, operator.key, '2025-05-31T08:00:00+08:00')).sanctioned).toBe(3);
    t.clock.set(NOW);
    records = (await sql(`SELECT record_id FROM records ORDER BY record_id`)).map((r: { record_id: string }) => r.record_id);
    const label: Record<string, string> = { [subs.land]: 'land', [subs.tax]: 'tax', 'credit-platform': 'platform' };
    for (const d of await sql(`SELECT id, record_id, target FROM deliveries`)) ids[`${records.indexOf(d.record_id)}:${label[d.target]}`] = d.id;
    expect(Object.keys(ids)).toHaveLength(9);

    // What the worker would have left behind; record 0 is the oldest, record 2 the newest.
    const at = ['2025-06-01T02:00:00Z', '2025-06-01T03:00:00Z', '2025-06-01T04:00:00Z'];
    for (const [i, created] of at.entries()) await sql(`UPDATE deliveries SET created_at = $2 WHERE record_id = $1`, [records[i], created]);
    const set = (key: string, fields: string) => sql(`UPDATE deliveries SET ${fields} WHERE id = $1`, [ids[key]]);
    await set('0:land', `status = 'dead', attempts = 10, last_http_status = 503, last_error = 'Service Unavailable (upstream)', final_reason = 'exhausted'`);
    await set('0:tax', `status = 'failed', attempts = 2, last_http_status = 500, last_error = 'Internal 100% broken', next_attempt_at = '2030-01-01Z'`);
    await set('0:platform', `status = 'delivered', attempts = 1, last_http_status = 200, delivered_at = '2025-06-01T02:00:01Z'`);
    await set('1:land', `status = 'dead', attempts = 10, last_error = 'connect ECONNREFUSED 127.0.0.1:9', final_reason = 'exhausted'`);
    await set('1:tax', `status = 'dead', attempts = 10, last_http_status = 410, last_error = 'Gone', final_reason = 'refused'`);
    await set('2:land', `status = 'in_flight', attempts = 1, lease_token = gen_random_uuid(), lease_until = '2030-01-01Z'`);
    await set('1:platform', `status = 'delivered', attempts = 1, delivered_at = '2025-06-01T03:00:01Z'`);
    await set('2:platform', `status = 'delivered', attempts = 1, delivered_at = '2025-06-01T04:00:01Z'`);
    // 2:tax stays pending.
    await sql(
      `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, http_status, error, response_snippet, outcome) VALUES
        ($1, 2, '2025-06-01T03:30:00Z', 1200, 503, 'Service Unavailable (upstream)', 'busy', 'dead'),
        ($1, 1, '2025-06-01T02:30:00Z', 80, 500, 'boom', '{"error":1}', 'retry'),
        ($2, 1, '2025-06-01T02:00:00Z', 40, 200, NULL, 'ok', 'delivered')`,
      [ids['0:land'], ids['0:platform']],
    );
  });
  afterAll(() => t.close());

  it('lists every delivery newest first with the fields operators need', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(9);
    expect(res.body.nextCursor).toBeNull();
    const created = res.body.items.map((i: { createdAt: string }) => i.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(res.body.items.find((i: { id: string }) => i.id === ids['0:land'])).toEqual({
      id: ids['0:land'],
      recordId: records[0],
      version: 1,
      event: 'sanction.issued',
      target: subs.land,
      status: 'dead',
      attempts: 10,
      nextAttemptAt: expect.any(String),
      lastAttemptAt: null,
      lastHttpStatus: 503,
      lastError: 'Service Unavailable (upstream)',
      finalReason: 'exhausted',
      laterVersionsReleased: false,
      deliveredAt: null,
      createdAt: '2025-06-01T02:00:00.000Z',
      updatedAt: expect.any(String),
    });
  });

  it('filters by status list, target, time, HTTP status, error text and record', async () => {
    expect(idsOf(await list('?status=dead'))).toEqual([ids['0:land'], ids['1:land'], ids['1:tax']].sort());
    expect(idsOf(await list('?status=dead,failed&target=' + subs.tax))).toEqual([ids['0:tax'], ids['1:tax']].sort());
    expect(idsOf(await list('?httpStatus=503'))).toEqual([ids['0:land']]);
    expect(idsOf(await list('?error=econnrefused'))).toEqual([ids['1:land']]);
    // LIKE wildcards in the text are matched literally.
    expect(idsOf(await list('?error=' + encodeURIComponent('100%')))).toEqual([ids['0:tax']]);
    expect((await list('?error=' + encodeURIComponent('%'))).body.items).toHaveLength(1);
    expect(idsOf(await list(`?recordId=${records[1]}`))).toEqual([ids['1:land'], ids['1:tax'], ids['1:platform']].sort());
    const window = await list('?since=' + encodeURIComponent('2025-06-01T10:30:00+08:00') + '&until=' + encodeURIComponent('2025-06-01T11:30:00+08:00'));
    expect(idsOf(window)).toEqual([ids['1:land'], ids['1:tax'], ids['1:platform']].sort());
  });

  it('pages with a cursor without losing or repeating rows', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(9);
  });

  it('answers bad filters with 400 naming the field, unknown ids with 404', async () => {
    for (const [query, field] of [
      ['?status=lost', 'status'],
      ['?httpStatus=abc', 'httpStatus'],
      ['?since=2025-06-01', 'since'],
      ['?recordId=nope', 'recordId'],
      ['?cursor=garbage', 'cursor'],
      ['?limit=0', 'limit'],
    ]) {
      const res = await list(query);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(field);
    }
    expect((await t.request('GET', '/v1/ops/deliveries/not-a-uuid', { key: operator.key })).status).toBe(404);
    expect((await t.request('GET', '/v1/ops/deliveries/00000000-0000-4000-8000-000000000000', { key: operator.key })).status).toBe(404);
    expect((await t.request('POST', '/v1/ops/deliveries/not-a-uuid/retry', { key: operator.key })).status).toBe(404);
  });

  it('is for operators: agencies and departments get 403', async () => {
    expect((await list('', agency)).status).toBe(403);
    expect((await list('', dept)).status).toBe(403);
    expect((await t.request('POST', `/v1/ops/deliveries/${ids['0:land']}/retry`, { key: agency })).status).toBe(403);
    expect((await t.request('POST', '/v1/ops/deliveries:retry', { key: dept, body: { filter: {} } })).status).toBe(403);
    expect((await t.request('GET', '/v1/ops/audit', { key: agency })).status).toBe(403);
    expect((await t.request('GET', '/v1/ops/targets', { key: dept })).status).toBe(403);
  });

  it('shows one delivery with its attempts in order and the signed record it carries', async () => {
    const res = await t.request('GET', `/v1/ops/deliveries/${ids['0:land']}`, { key: operator.key });
    expect(res.status).toBe(200);
    expect(res.body.attempts).toEqual([
      { attempt: 1, at: '2025-06-01T02:30:00.000Z', durationMs: 80, httpStatus: 500, error: 'boom', responseSnippet: '{"error":1}', outcome: 'retry' },
      { attempt: 2, at: '2025-06-01T03:30:00.000Z', durationMs: 1200, httpStatus: 503, error: 'Service Unavailable (upstream)', responseSnippet: 'busy', outcome: 'dead' },
    ]);
    expect(res.body.record.record).toMatchObject({ recordId: records[0], version: 1, event: 'sanction.issued' });
    const payload = JSON.parse(Buffer.from(res.body.record.jws.split('.')[1], 'base64url').toString('utf8'));
    expect(payload).toEqual(res.body.record.record);
  });

  it('retries a dead delivery: pending and due now, same id, history kept, audited', async () => {
    const res = await t.request('POST', `/v1/ops/deliveries/${ids['0:land']}/retry`, { key: operator.key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ids['0:land'], status: 'pending', nextAttemptAt: NOW, finalReason: null, attempts: 10 });
    const [row] = await sql(`SELECT status, next_attempt_at FROM deliveries WHERE id = $1`, [ids['0:land']]);
    expect(row.status).toBe('pending');
    expect((await t.request('GET', `/v1/ops/deliveries/${ids['0:land']}`, { key: operator.key })).body.attempts).toHaveLength(2);
    const audit = await t.request('GET', `/v1/ops/audit?action=delivery.retry&subjectId=${ids['0:land']}`, { key: operator.key });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      actor: { id: operator.id, name: operator.name },
      subjectType: 'delivery',
      before: { status: 'dead', finalReason: 'exhausted' },
      after: { status: 'pending', nextAttemptAt: NOW, finalReason: null },
    });
  });

  it('refuses to retry what was delivered or is in flight, naming the status', async () => {
    const delivered = await t.request('POST', `/v1/ops/deliveries/${ids['0:platform']}/retry`, { key: operator.key });
    expect(delivered.status).toBe(409);
    expect(delivered.body.message).toContain('delivered');
    const inFlight = await t.request('POST', `/v1/ops/deliveries/${ids['2:land']}/retry`, { key: operator.key });
    expect(inFlight.status).toBe(409);
    expect(inFlight.body.message).toContain('in_flight');
    expect((await sql(`SELECT status FROM deliveries WHERE id = $1`, [ids['0:platform']]))[0].status).toBe('delivered');
  });

  it('cancels with a reason, refuses a second cancel and a missing reason', async () => {
    expect((await t.request('POST', `/v1/ops/deliveries/${ids['0:tax']}/cancel`, { key: operator.key, body: {} })).body.message).toContain('reason');
    const res = await t.request('POST', `/v1/ops/deliveries/${ids['0:tax']}/cancel`, { key: operator.key, body: { reason: '  agency closed this endpoint ' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', finalReason: 'agency closed this endpoint' });
    const again = await t.request('POST', `/v1/ops/deliveries/${ids['0:tax']}/cancel`, { key: operator.key, body: { reason: 'again' } });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('cancelled');
    const audit = await t.request('GET', `/v1/ops/audit?action=delivery.cancel`, { key: operator.key });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      subjectId: ids['0:tax'],
      before: { status: 'failed' },
      after: { status: 'cancelled', finalReason: 'agency closed this endpoint' },
      details: { reason: 'agency closed this endpoint' },
    });
  });

  it('retries by filter in a background job whose progress reaches its total', async () => {
    expect((await t.request('POST', '/v1/ops/deliveries:retry', { key: operator.key, body: {} })).body.message).toContain('filter');
    const bad = await t.request('POST', '/v1/ops/deliveries:retry', { key: operator.key, body: { filter: { status: 'delivered' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('filter.status');

    const res = await t.request('POST', '/v1/ops/deliveries:retry', { key: operator.key, body: { filter: { target: subs.tax } } });
    expect(res.status).toBe(202);
    const job = await waitForJob(res.body.jobId);
    expect(job).toMatchObject({ kind: 'delivery.bulk_retry', status: 'done', total: 1, processed: 1, error: null, filter: { target: subs.tax, status: ['dead'] } });
    // Only the dead row of that target: the cancelled one was not asked for.
    const rows = await sql(`SELECT id, status FROM deliveries WHERE target = $1 ORDER BY id`, [subs.tax]);
    expect(Object.fromEntries(rows.map((r: { id: string; status: string }) => [r.id, r.status]))).toEqual({
      [ids['0:tax']]: 'cancelled',
      [ids['1:tax']]: 'pending',
      [ids['2:tax']]: 'pending',
    });

    const all = await t.request('POST', '/v1/ops/deliveries:retry', { key: operator.key, body: { filter: { status: 'dead,cancelled' } } });
    const done = await waitForJob(all.body.jobId);
    expect(done).toMatchObject({ status: 'done', total: 2, processed: 2 });
    expect((await list('?status=dead,cancelled,failed')).body.items).toHaveLength(0);

    const audit = await t.request('GET', `/v1/ops/audit?subjectType=bulk_job&subjectId=${all.body.jobId}`, { key: operator.key });
    expect(audit.body.items.map((i: { action: string }) => i.action)).toEqual(['delivery.bulk_retry.batch', 'delivery.bulk_retry']);
    expect(audit.body.items[0]).toMatchObject({ actor: { id: operator.id }, before: { statuses: { dead: 1, cancelled: 1 } }, after: { status: 'pending' } });
    expect([...audit.body.items[0].details.deliveryIds].sort()).toEqual([ids['0:tax'], ids['1:land']].sort());
    expect((await t.request('GET', '/v1/ops/jobs/not-a-uuid', { key: operator.key })).status).toBe(404);
  });

  it('shows each target with circuit, 24 h attempts and the oldest waiting delivery', async () => {
    await sql(`INSERT INTO target_health (target, circuit, consecutive_failures) VALUES ($1, 'open', 5)`, [subs.land]);
    const res = await t.request('GET', '/v1/ops/targets', { key: operator.key });
    expect(res.status).toBe(200);
    const [platform, ...rest] = res.body.items;
    expect(platform).toEqual({
      target: 'credit-platform',
      circuit: 'closed',
      consecutiveFailures: 0,
      successRate24h: 1,
      delivered24h: 1,
      failed24h: 0,
      oldestPendingAt: null,
    });
    const land = rest.find((r: { target: string }) => r.target === subs.land);
    expect(land).toMatchObject({ agency: 'land', state: 'paused', disabledAt: null, circuit: 'open', consecutiveFailures: 5, delivered24h: 0, failed24h: 2, successRate24h: 0 });
    expect(land.oldestPendingAt).toBe('2025-06-01T02:00:00.000Z');
    expect(rest.find((r: { target: string }) => r.target === subs.tax)).toMatchObject({ circuit: 'closed', successRate24h: null });
  });

  it('keeps subscription changes in the audit trail without secrets, pageable newest first', async () => {
    const res = await t.request('GET', '/v1/ops/audit?subjectType=subscription&limit=2', { key: operator.key });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(2);
    const next = await t.request('GET', `/v1/ops/audit?subjectType=subscription&limit=2&cursor=${res.body.nextCursor}`, { key: operator.key });
    const items = [...res.body.items, ...next.body.items];
    expect(items.map((i: { action: string }) => i.action)).toEqual(['subscription.update', 'subscription.create', 'subscription.update', 'subscription.create']);
    expect(items[0]).toMatchObject({ actor: { name: expect.stringMatching(/^admin-/) }, before: { state: 'active' }, after: { state: 'paused' } });
    expect(JSON.stringify(items)).not.toMatch(/whsec_|"secret"/);
    expect((await t.request('GET', '/v1/ops/audit?since=2025-06-01', { key: operator.key })).status).toBe(400);
  });

  it('goes through large selections in batches of 1,000, each audited', async () => {
    await sql(
      `INSERT INTO deliveries (record_id, version, event, target, status, attempts, next_attempt_at, created_at, updated_at, last_http_status)
       SELECT lpad(n::text, 26, '0'), 1, 'sanction.issued', 'bulk-target', 'dead', 10, $1, $1::timestamptz - make_interval(secs => n), $1, 502
         FROM generate_series(1, 2500) AS n`,
      [NOW],
    );
    const res = await t.request('POST', '/v1/ops/deliveries:retry', { key: operator.key, body: { filter: { target: 'bulk-target', httpStatus: 502 } } });
    expect(await waitForJob(res.body.jobId)).toMatchObject({ status: 'done', total: 2500, processed: 2500 });
    expect((await sql(`SELECT count(*)::int AS n FROM deliveries WHERE target = 'bulk-target' AND status = 'pending'`))[0].n).toBe(2500);
    const audit = await t.request('GET', `/v1/ops/audit?action=delivery.bulk_retry.batch&subjectId=${res.body.jobId}`, { key: operator.key });
    expect(audit.body.items.map((i: { details: { count: number } }) => i.details.count).sort()).toEqual([1000, 1000, 500]);
  });

  async function waitForJob(id: string) {
    for (let i = 0; i < 100; i++) {
      const res = await t.request('GET', `/v1/ops/jobs/${id}`, { key: operator.key });
      expect(res.status).toBe(200);
      if (res.body.status === 'done' || res.body.status === 'failed') return res.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${id} did not finish`);
  }
});
