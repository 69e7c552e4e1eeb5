import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app';

// Strangers cannot make the gateway parse for them, and malformed values are 4xx naming the field, never a 500.

describe('hostile input', () => {
  let t: TestApp;
  let admin: string;
  let operator: string;
  let agency: string;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    admin = await t.key({ role: 'admin' });
    operator = await t.key({ role: 'operator' });
    agency = await t.key({ role: 'agency', domains: ['land_supply'] });
  });
  afterAll(() => t.close());

  const json = { 'content-type': 'application/json' };
  const rows = async () =>
    (await db.query(`SELECT (SELECT count(*) FROM subscriptions)::int AS subscriptions, (SELECT count(*) FROM audit_log)::int AS audit`))[0];

  it('refuses a request without a valid key before reading its body', async () => {
    // Not JSON at all: parsed first, this would be a 400; refused on arrival, it is a 401.
    const garbage = '{"usccs": [' + '['.repeat(10_000);
    const anonymous = await t.request('POST', '/v1/restrictions:batch', { raw: garbage, headers: json });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('authorization') });
    const unknown = await t.request('POST', '/v1/restrictions:batch', { raw: garbage, headers: { ...json, authorization: `Bearer csg_${'A'.repeat(43)}` } });
    expect(unknown.status).toBe(401);
    const known = await t.request('POST', '/v1/restrictions:batch', { key: agency, raw: garbage, headers: json });
    expect(known.status).toBe(400);
    // Public routes stay public.
    expect((await t.request('GET', '/v1/public/lists/yellow')).status).toBe(200);
  });

  it('caps nesting and array length with a 400 naming the limit', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 1500; i++) deep = [deep];
    const nested = await t.request('POST', '/v1/restrictions:batch', { key: agency, body: { usccs: deep } });
    expect(nested.status).toBe(400);
    expect(nested.body.details).toEqual([expect.objectContaining({ message: expect.stringContaining('deeper than') })]);
    const long = await t.request('POST', '/v1/restrictions:batch', { key: agency, body: { usccs: Array.from({ length: 1001 }, () => '91441602MA53K2P61E') } });
    expect(long.status).toBe(400);
    expect(long.body.details).toEqual([{ field: 'usccs', message: expect.stringContaining('more than 1000 elements') }]);
  });

  it('refuses half a surrogate pair in a string with a 400, and writes nothing', async () => {
    const before = await rows();
    const raw = '{"agency":"\\ud800","domains":["land_supply"],"url":"https://93.184.216.34/hook"}';
    const res = await t.request('POST', '/v1/subscriptions', { key: admin, raw, headers: json });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'agency', message: expect.stringContaining('well-formed') }]);
    expect(await rows()).toEqual(before);
    const key = await t.request('POST', '/v1/subscriptions', { key: admin, raw: '{"\\udc00":1}', headers: json });
    expect(key.status).toBe(400);
  });

  it('answers impossible dates, instants out of range and huge integers with 400 naming the field', async () => {
    for (const [path, field] of [
      ['/v1/ops/deliveries?since=2026-02-30T00:00:00Z', 'since'],
      ['/v1/ops/deliveries?until=0000-01-01T00:00:00Z', 'until'],
      ['/v1/ops/audit?since=2025-06-01T25:00:00Z', 'since'],
      ['/v1/ledger?afterSeq=1e20', 'afterSeq'],
      ['/v1/reports/summary?from=0000-01-01&to=2025-01-01', 'from'],
    ]) {
      const res = await t.request('GET', path, { key: operator });
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    const sweep = await t.request('POST', '/v1/ops/sweeps', { key: operator, body: { asOf: '0000-01-01T00:00:00Z' } });
    expect(sweep.status).toBe(400);
  });
});
