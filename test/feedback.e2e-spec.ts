import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app';
import { sanction } from './support/delivery-fixtures';

// 反馈: agencies report what they did about a record; scope, idempotency, validation and listing.

describe('agency feedback', () => {
  let t: TestApp;
  let keys: { dept: string; operator: string; otherDept: string };
  let landTax: { id: string; key: string };
  let funding: { id: string; key: string };
  let records: string[];
  let subscriptionId: string;

  beforeAll(async () => {
    // Records restrict two domains only, so a domain the agency holds but the record lacks can be tried.
    t = await startTestApp({ dimensions: { energy: { noticeDays: 0, measures: ['land_supply', 'tax_administration'] } } });
    keys = {
      dept: await t.key({ role: 'department', department: 'industry_it' }),
      otherDept: await t.key({ role: 'department', department: 'ecology_environment' }),
      operator: await t.key({ role: 'operator' }),
    };
    landTax = await t.principal({ role: 'agency', name: '市自然资源局', domains: ['land_supply', 'tax_administration'] });
    funding = await t.principal({ role: 'agency', name: '市财政局', domains: ['funding_support', 'land_supply'] });
    records = await sanction(t, { dept: keys.dept, operator: keys.operator }, 2);
    // A paused subscription: linked to the agency's principal, never pushed to.
    const admin = await t.key({ role: 'admin' });
    const sub = await t.request('POST', '/v1/subscriptions', {
      key: admin,
      body: { agency: '市自然资源局', domains: ['land_supply'], url: 'https://93.184.216.34/hook', principalId: landTax.id },
    });
    expect(sub.status).toBe(201);
    subscriptionId = sub.body.id;
    expect((await t.request('PATCH', `/v1/subscriptions/${subscriptionId}`, { key: admin, body: { state: 'paused' } })).status).toBe(200);
  });
  afterAll(() => t.close());

  const post = (key: string, body: Record<string, unknown>) => t.request('POST', '/v1/feedback', { key, body });
  const stored = async () => (await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM feedback'))[0].n as number;
  const report = (overrides: Record<string, unknown> = {}) => ({
    recordId: records[0],
    domain: 'land_supply',
    action: 'restriction_applied',
    occurredOn: '2025-05-30',
    ...overrides,
  });

  it('records a report once: 201 when new, 200 with the same entry when repeated', async () => {
    const first = await post(landTax.key, report({ reference: '河自然资〔2025〕12号' }));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      recordId: records[0],
      agencyId: landTax.id,
      agency: '市自然资源局',
      subscriptionId,
      domain: 'land_supply',
      action: 'restriction_applied',
      occurredOn: '2025-05-30',
      reference: '河自然资〔2025〕12号',
      note: null,
      createdAt: '2025-06-01T04:00:00.000Z',
    });
    const again = await post(landTax.key, report({ reference: 'ignored on a repeat' }));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const otherDay = await post(landTax.key, report({ occurredOn: '2025-05-31' }));
    expect(otherDay.status).toBe(201);
    expect(otherDay.body.id).not.toBe(first.body.id);
    // Another agency's identical report is its own entry; it has no subscription to link.
    const byFunding = await post(funding.key, report());
    expect(byFunding.status).toBe(201);
    expect(byFunding.body).toMatchObject({ agencyId: funding.id, subscriptionId: null });
  });

  it('refuses bad input with 4xx naming the field, and writes nothing', async () => {
    const before = await stored();
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [report({ recordId: 'not-a-record' }), 400, 'recordId'],
      [report({ domain: 'parking' }), 400, 'domain'],
      [report({ action: 'shrugged' }), 400, 'action'],
      [report({ occurredOn: '2025-02-30' }), 400, 'occurredOn'],
      [report({ occurredOn: '2025-06-02' }), 422, 'occurredOn'],
      [report({ action: 'other' }), 400, 'note'],
      [report({ note: '   ' }), 400, 'note'],
      [report({ color: 'red' }), 400, 'color'],
      [report({ recordId: undefined }), 400, 'recordId'],
      [report({ recordId: '01JWMTAYG0Q1AKDYZHP8YR3DM0' }), 404, 'recordId'],
      // Held by the record but not by this agency, and held by the agency but not by the record.
      [report({ domain: 'tax_administration' }), 422, 'domain'],
      [report({ domain: 'funding_support' }), 422, 'domain'],
    ];
    for (const [body, status, field] of cases) {
      const key = body.domain === 'tax_administration' || body.domain === 'funding_support' ? funding.key : landTax.key;
      const res = await post(key, body);
      expect({ field, status: res.status }).toEqual({ field, status });
      expect(res.body.message).toContain(field);
    }
    expect(await stored()).toBe(before);
  });

  it('takes reports from agency keys only', async () => {
    for (const key of [keys.operator, keys.dept]) expect((await post(key, report({ occurredOn: '2025-05-01' }))).status).toBe(403);
  });

  it('lists a record’s feedback for operators and its department, and only its own for an agency', async () => {
    const path = `/v1/records/${records[0]}/feedback`;
    const all = await t.request('GET', path, { key: keys.operator });
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(3);
    expect((await t.request('GET', path, { key: keys.dept })).body.items).toHaveLength(3);
    expect((await t.request('GET', path, { key: keys.otherDept })).status).toBe(403);
    const own = await t.request('GET', path, { key: funding.key });
    expect(own.body.items.map((i: { agencyId: string }) => i.agencyId)).toEqual([funding.id]);
    expect((await t.request('GET', `/v1/records/${records[1]}/feedback`, { key: keys.operator })).body).toEqual({ items: [], nextCursor: null });
    expect((await t.request('GET', '/v1/records/01JWMTAYG0Q1AKDYZHP8YR3DM0/feedback', { key: keys.operator })).status).toBe(404);
  });

  it('lists all feedback with paging and filters; an agency sees only its own', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t.request(
        'GET',
        `/v1/feedback?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { key: keys.operator },
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);

    const byAgency = await t.request('GET', `/v1/feedback?agency=${landTax.id}`, { key: keys.operator });
    expect(byAgency.body.items).toHaveLength(2);
    const mine = await t.request('GET', '/v1/feedback', { key: funding.key });
    expect(mine.body.items.map((i: { agencyId: string }) => i.agencyId)).toEqual([funding.id]);
    expect((await t.request('GET', `/v1/feedback?agency=${landTax.id}`, { key: funding.key })).status).toBe(403);

    expect((await t.request('GET', '/v1/feedback?since=2025-06-01T12:00:01%2B08:00', { key: keys.operator })).body.items).toHaveLength(0);
    expect((await t.request('GET', '/v1/feedback?since=2025-06-01T12:00:00%2B08:00', { key: keys.operator })).body.items).toHaveLength(3);
    for (const [query, field] of [['cursor=nonsense', 'cursor'], ['agency=x', 'agency'], ['since=yesterday', 'since'], ['limit=0', 'limit']]) {
      const res = await t.request('GET', `/v1/feedback?${query}`, { key: keys.operator });
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.message).toContain(field);
    }
    expect((await t.request('GET', '/v1/feedback', { key: keys.dept })).status).toBe(403);
  });
});
