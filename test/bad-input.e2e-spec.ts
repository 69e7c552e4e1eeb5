import { startTestApp, TestApp } from './support/app';
import { enterprise, obligation, uscc } from './support/fixtures';

const JSON_TYPE = { 'content-type': 'application/json' };

// Every case checks the error shape of DESIGN section 6 and that nothing was written (invariant 7).
describe('bad input', () => {
  let t: TestApp;
  let key: string;
  let obligationId: string;
  const code = uscc(1);
  beforeAll(async () => {
    t = await startTestApp({ http: { bodyLimitBytes: 2048 } });
    key = await t.key({ role: 'department', department: 'industry_it' });
    expect((await t.request('POST', '/v1/enterprises', { key, body: enterprise(1) })).status).toBe(201);
    const created = await t.request('POST', '/v1/obligations', { key, body: obligation(code, 'BAD-0') });
    expect(created.status).toBe(201);
    obligationId = created.body.id;
  });
  afterAll(() => t.close());

  async function counts() {
    const [obligations, enterprises, history] = await Promise.all([
      t.request('GET', '/v1/obligations?limit=500', { key }),
      t.request('GET', '/v1/enterprises?limit=500', { key }),
      t.request('GET', `/v1/obligations/${obligationId}/history`, { key }),
    ]);
    return { obligations: obligations.body.items.length, enterprises: enterprises.body.items.length, history: history.body.items.length, stage: (await t.request('GET', `/v1/obligations/${obligationId}`, { key })).body.stage };
  }

  function expectError(res: { status: number; body: any; headers: Headers }, status: number, field?: string) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.body).toEqual(expect.objectContaining({ statusCode: status, error: expect.any(String), message: expect.any(String) }));
    if (field !== undefined) {
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(res.body.message).toContain(field);
    }
  }

  /** Sends each case, expects the error, then checks that no row changed. */
  async function refuses(cases: Array<{ method?: string; path: string; body?: unknown; raw?: string; headers?: Record<string, string>; status: number; field?: string }>) {
    const before = await counts();
    for (const c of cases) {
      const res = await t.request(c.method ?? 'POST', c.path, { key, body: c.body, raw: c.raw, headers: c.headers });
      try {
        expectError(res, c.status, c.field);
      } catch (e) {
        throw new Error(`${c.method ?? 'POST'} ${c.path} ${JSON.stringify(c.body ?? c.raw)?.slice(0, 120)}: ${(e as Error).message}`);
      }
    }
    expect(await counts()).toEqual(before);
  }

  it('refuses unknown fields, naming them', () =>
    refuses([
      { path: '/v1/enterprises', body: enterprise(2, { foo: 1 }), status: 400, field: 'foo' },
      { path: '/v1/obligations', body: obligation(code, 'BAD-1', { stage2: 'x' }), status: 400, field: 'stage2' },
      { path: '/v1/obligations', body: obligation(code, 'BAD-1', { capacity: [{ equipment: 'x', amount: 1, unit: 't', color: 'red' }] }), status: 400, field: 'capacity.0.color' },
      { path: `/v1/obligations/${obligationId}/rectified`, body: { verifiedOn: '2025-05-01', by: 'me' }, status: 400, field: 'by' },
      { method: 'GET', path: '/v1/obligations?colour=red', status: 400, field: 'colour' },
    ]));

  it('refuses wrong types, naming the field', () =>
    refuses([
      { path: '/v1/obligations', body: obligation(code, 'BAD-2', { capacity: [{ equipment: 'x', amount: '60', unit: 't' }] }), status: 400, field: 'capacity.0.amount' },
      { path: '/v1/obligations', body: obligation(code, 'BAD-2', { capacity: { equipment: 'x', amount: 60, unit: 't' } }), status: 400, field: 'capacity' },
      { path: '/v1/obligations', body: obligation(code, 'BAD-2', { capacity: [] }), status: 400, field: 'capacity' },
      { path: '/v1/obligations', body: obligation(code, 'BAD-2', { capacity: [null] }), status: 400, field: 'capacity.0' },
      { path: '/v1/obligations', body: obligation(code, 'BAD-2', { capacity: [{ equipment: 'x', amount: -1, unit: 't' }] }), status: 400, field: 'capacity.0.amount' },
      { path: '/v1/obligations', body: obligation(code, 'BAD-2', { uscc: 914416 }), status: 400, field: 'uscc' },
      { path: '/v1/obligations', body: obligation(code, 'BAD-2', { dimension: 'noise' }), status: 400, field: 'dimension' },
      { path: '/v1/obligations', body: obligation(code, 'BAD-2', { externalRef: '   ' }), status: 400, field: 'externalRef' },
      { path: '/v1/obligations', body: obligation(code, 'BAD-2', { stage: 'sanctioned' }), status: 400, field: 'stage' },
      { path: '/v1/enterprises', body: enterprise(2, { industry: 'textiles' }), status: 400, field: 'industry' },
      { path: `/v1/obligations/${obligationId}/exit-completed`, body: { completedOn: '2025-05-01', method: 'burnt' }, status: 400, field: 'method' },
      { path: `/v1/obligations/${obligationId}/objection`, body: { raisedOn: '2025-05-01', decision: true, reason: 'x' }, status: 400, field: 'decision' },
      { path: '/v1/enterprises', raw: 'null', headers: JSON_TYPE, status: 400, field: 'uscc' },
      { path: '/v1/enterprises', raw: '[1,2]', headers: JSON_TYPE, status: 400 },
      { path: '/v1/enterprises', status: 400, field: 'uscc' },
    ]));

  it('refuses dates that are not calendar dates', () =>
    refuses([
      ...['2025-02-30', '2025/01/01', '', '2025-1-01', '2025-03-31T00:00:00Z', 20250331].map((issuedOn) => ({
        path: '/v1/obligations',
        body: obligation(code, 'BAD-3', { issuedOn }),
        status: 400,
        field: 'issuedOn',
      })),
      { path: '/v1/obligations', body: obligation(code, 'BAD-3', { deadline: '2025-09-31' }), status: 400, field: 'deadline' },
      { path: '/v1/obligations', body: obligation(code, 'BAD-3', { issuedOn: '2025-06-02' }), status: 422, field: 'issuedOn' },
      { path: `/v1/obligations/${obligationId}/extension`, body: { requestedDeadline: '2025/12/01', reason: 'x' }, status: 400, field: 'requestedDeadline' },
      { path: `/v1/obligations/${obligationId}/rectified`, body: { verifiedOn: '' }, status: 400, field: 'verifiedOn' },
    ]));

  it('refuses NUL characters, which PostgreSQL cannot store, as 400', () =>
    refuses([
      { path: '/v1/enterprises', body: enterprise(2, { name: 'a\u0000b' }), status: 400, field: 'name' },
      { path: '/v1/obligations', body: obligation(code, 'BAD-\u0000'), status: 400, field: 'externalRef' },
      { path: '/v1/obligations', body: obligation(code, 'BAD-4', { capacity: [{ equipment: 'x\u0000', amount: 1, unit: 't' }] }), status: 400, field: 'capacity.0.equipment' },
      { method: 'GET', path: '/v1/enterprises/%00', status: 400, field: 'uscc' },
      { method: 'GET', path: '/v1/obligations?county=%00', status: 400, field: 'county' },
      { method: 'GET', path: `/v1/enterprises?cursor=${Buffer.from('["\\u0000"]').toString('base64url')}`, status: 400, field: 'cursor' },
    ]));

  it('answers malformed JSON, an oversized body and an unsupported type in JSON', () =>
    refuses([
      { path: '/v1/obligations', raw: '{"uscc": "9144', headers: JSON_TYPE, status: 400, field: 'body' },
      { path: '/v1/obligations', raw: '', headers: JSON_TYPE, status: 400, field: 'body' },
      { path: '/v1/obligations', raw: JSON.stringify(obligation(code, 'BAD-5', { basis: '依据'.repeat(1000) })), headers: JSON_TYPE, status: 413, field: 'body' },
      { path: '/v1/obligations', raw: '<obligation/>', headers: { 'content-type': 'application/xml' }, status: 415, field: 'content-type' },
      { path: '/v1/enterprises', raw: JSON.stringify(enterprise(2)), headers: { 'content-type': 'text/plain' }, status: 415, field: 'content-type' },
      // Nest parses form bodies itself; they reach validation as objects and fail there.
      { path: '/v1/obligations', raw: 'uscc=1&dimension=energy', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 400, field: 'uscc' },
    ]));

  it('answers 404, not 500, for an id that is not a uuid', () =>
    refuses([
      { method: 'GET', path: '/v1/obligations/not-a-uuid', status: 404 },
      { method: 'GET', path: '/v1/obligations/123/history', status: 404 },
      { path: '/v1/obligations/not-a-uuid/rectified', body: { verifiedOn: '2025-05-01' }, status: 404 },
      { path: "/v1/obligations/'%3B--/extension", body: { requestedDeadline: '2025-12-01', reason: 'x' }, status: 404 },
      { method: 'GET', path: '/v1/no-such-route', status: 404 },
    ]));

  it('refuses query parameters of the wrong type', () =>
    refuses([
      ...['limit=abc', 'limit=0', 'limit=501', 'limit=1.5', 'limit=1&limit=2', 'stage=closed', 'dimension=noise', 'uscc=123', 'cursor=a&cursor=b'].map((q) => ({
        method: 'GET',
        path: `/v1/obligations?${q}`,
        status: 400,
        field: q.split('=')[0],
      })),
      { method: 'GET', path: '/v1/enterprises?limit=abc', status: 400, field: 'limit' },
      { method: 'GET', path: '/v1/enterprises?quality=bad', status: 400, field: 'quality' },
    ]));
});
