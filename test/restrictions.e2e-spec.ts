import { DataSource } from 'typeorm';
import { Restrictions1764190500000 } from '../migrations/1764190500000-Restrictions';
import { startTestApp, TestApp } from './support/app';
import { uscc } from './support/fixtures';
import { exitOrdered, sweep } from './support/sweep-fixtures';

const ENERGY_MEASURES = ['land_supply', 'tax_administration', 'financing_credit'];

describe('agency restriction queries', () => {
  let t: TestApp;
  let db: DataSource;
  let dept: string;
  let operator: string;
  let land: string;
  let landTax: string;
  let bonds: string;
  let code: string;
  let other: string;
  let recordId: string;
  let listedOn: string;

  const lookup = (key: string, c: string, headers: Record<string, string> = {}) => t.request('GET', `/v1/restrictions/${c}`, { key, headers });
  const domainsOf = (body: { measures: Array<{ domain: string }> }) => body.measures.map((m) => m.domain);
  // What the records say, derived the slow way, to hold the maintained table against.
  const derived = () =>
    db.query(`SELECT r.uscc, m AS domain, r.record_id FROM records r, unnest(r.measures) m WHERE r.status = 'active' ORDER BY 1, 2, 3`);
  const table = () => db.query(`SELECT r.uscc, m AS domain, r.record_id FROM restrictions r, unnest(r.measures) m ORDER BY 1, 2, 3`);

  beforeAll(async () => {
    t = await startTestApp({ dimensions: { energy: { noticeDays: 0, measures: ENERGY_MEASURES } } });
    db = t.app.get(DataSource);
    dept = await t.key({ role: 'department', department: 'industry_it' });
    operator = await t.key({ role: 'operator' });
    land = await t.key({ role: 'agency', domains: ['land_supply'] });
    landTax = await t.key({ role: 'agency', domains: ['land_supply', 'tax_administration'] });
    bonds = await t.key({ role: 'agency', domains: ['bond_issuance'] });
    const o = await exitOrdered(t, dept, 401, '2025-05-20');
    await exitOrdered(t, dept, 402, '2025-05-20');
    expect((await sweep(t, operator, '2025-05-21T08:00:00+08:00')).sanctioned).toBe(2);
    t.clock.set('2025-06-01T04:00:00Z');
    code = o.uscc;
    other = uscc(402);
    [{ record_id: recordId, listed_on: listedOn }] = await db.query(
      `SELECT record_id, to_char(listed_on, 'YYYY-MM-DD') AS listed_on FROM records WHERE obligation_id = $1`,
      [o.id],
    );
  });
  afterAll(() => t.close());

  it('shows an agency only its own domains, with the record and the listing date', async () => {
    const res = await lookup(land, code);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      uscc: code,
      asOf: '2025-06-01T04:00:00.000Z',
      restricted: true,
      measures: [{ domain: 'land_supply', recordId, since: listedOn }],
    });
    expect(domainsOf((await lookup(landTax, code)).body)).toEqual(['land_supply', 'tax_administration']);
    expect((await lookup(bonds, code)).body).toMatchObject({ restricted: false, measures: [] });
    expect(domainsOf((await lookup(operator, code)).body)).toEqual([...ENERGY_MEASURES].sort());
    expect((await lookup(dept, code)).status).toBe(403);
  });

  it('answers an unknown valid code as not restricted and rejects an invalid one naming it', async () => {
    expect((await lookup(land, uscc(999_999))).body).toMatchObject({ uscc: uscc(999_999), restricted: false, measures: [] });
    const bad = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    const res = await lookup(land, bad);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'uscc', message: expect.stringContaining(bad) }]);
    expect((await lookup(land, 'abc')).status).toBe(400);
  });

  it('answers a batch in request order with repeats, and lists every invalid code by index', async () => {
    const unknown = uscc(999_998);
    const res = await t.request('POST', '/v1/restrictions:batch', { key: landTax, body: { usccs: [other, unknown, code, other] } });
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe('2025-06-01T04:00:00.000Z');
    expect(res.body.items.map((i: { uscc: string; restricted: boolean }) => [i.uscc, i.restricted])).toEqual([
      [other, true],
      [unknown, false],
      [code, true],
      [other, true],
    ]);
    expect(res.body.items[2]).toEqual((await lookup(landTax, code)).body);
    expect(res.headers.get('etag')).toMatch(/^"/);

    const bad = await t.request('POST', '/v1/restrictions:batch', { key: land, body: { usccs: [code, 'X', other, code.toLowerCase()] } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['usccs.1', 'usccs.3']);
    expect(bad.body.details[1].message).toContain(code.toLowerCase());
    for (const usccs of [[], Array(1001).fill(code), 'nope']) {
      const res = await t.request('POST', '/v1/restrictions:batch', { key: land, body: { usccs } });
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toBe('usccs');
    }
  });

  it('answers 304 to a matching If-None-Match while the restrictions stand, whatever the time', async () => {
    const first = await lookup(landTax, code);
    const etag = first.headers.get('etag')!;
    expect(first.headers.get('vary')).toMatch(/authorization/i);
    t.clock.advance(3600_000);
    const again = await lookup(landTax, code, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    // Another agency sees other domains, so the same tag does not hold for it.
    expect((await lookup(land, code, { 'if-none-match': etag })).status).toBe(200);
  });

  it('narrows on amendment and lifts on revocation in the very next answer', async () => {
    const before = (await lookup(landTax, code)).headers.get('etag')!;
    const amended = await t.request('POST', `/v1/records/${recordId}/amendments`, { key: dept, body: { measures: ['land_supply'], reason: '部分整改' } });
    expect(amended.status).toBe(201);
    const narrowed = await lookup(landTax, code, { 'if-none-match': before });
    expect(narrowed.status).toBe(200);
    expect(domainsOf(narrowed.body)).toEqual(['land_supply']);
    expect(await table()).toEqual(await derived());

    const [{ obligation_id }] = await db.query('SELECT obligation_id FROM records WHERE record_id = $1', [recordId]);
    t.clock.set('2025-09-02T04:00:00Z');
    const done = await t.request('POST', `/v1/obligations/${obligation_id}/exit-completed`, { key: dept, body: { completedOn: '2025-09-01', method: 'dismantled' } });
    expect(done.status).toBe(200);
    expect((await lookup(landTax, code)).body).toMatchObject({ restricted: false, measures: [] });
    expect((await lookup(landTax, other)).body.restricted).toBe(true);
    expect(await table()).toEqual(await derived());
  });

  it('fills the table from active records when the migration runs over existing data', async () => {
    const expected = await derived();
    expect(expected.length).toBeGreaterThan(0);
    const runner = db.createQueryRunner();
    try {
      await runner.query('DROP TABLE restrictions, restriction_queries');
      await new Restrictions1764190500000().up(runner);
    } finally {
      await runner.release();
    }
    expect(await table()).toEqual(expected);
  });
});
