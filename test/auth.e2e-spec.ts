import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { PrincipalsService } from '../src/principals/principals.service';
import { eventually } from './support/delivery-fixtures';
import { startTestApp, TestApp } from './support/app';
import { enterprise, obligation, uscc } from './support/fixtures';

describe('authentication and scope', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.key({ role: 'admin' });
    for (const n of [1, 2]) expect((await t.request('POST', '/v1/enterprises', { key: admin, body: enterprise(n) })).status).toBe(201);
    expect((await t.request('POST', '/v1/enterprises', { key: admin, body: enterprise(3, { county: '441621' }) })).status).toBe(201);
  });
  afterAll(() => t.close());

  const expectUnauthenticated = (res: { status: number; body: any }) => {
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('authorization') });
  };

  it('refuses a request without a key, with a malformed key and with an unknown key', async () => {
    expectUnauthenticated(await t.request('GET', '/v1/obligations'));
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer not-a-key', 'Bearer csg_short']) {
      expectUnauthenticated(await t.request('GET', '/v1/obligations', { headers: { authorization } }));
    }
    expectUnauthenticated(await t.request('GET', '/v1/obligations', { key: `csg_${'A'.repeat(43)}` }));
  });

  it('refuses a revoked key at once', async () => {
    const p = await t.principal({ role: 'operator' });
    expect((await t.request('GET', '/v1/obligations', { key: p.key })).status).toBe(200);
    await t.app.get(PrincipalsService).revoke(p.id);
    expectUnauthenticated(await t.request('GET', '/v1/obligations', { key: p.key }));
  });

  it('stops a revoked key on every instance that holds it in memory, whoever revoked it', async () => {
    const cached = await startTestApp({ auth: { cacheTtlMs: 600_000, revocationCheckMs: 200 } });
    const other = await createApp(cached.config, { clock: cached.clock });
    await other.listen(0, '127.0.0.1');
    try {
      const otherUrl = `http://127.0.0.1:${(other.getHttpServer().address() as { port: number }).port}`;
      const p = await cached.principal({ role: 'operator' });
      const status = (base: string) => fetch(`${base}/v1/obligations`, { headers: { authorization: `Bearer ${p.key}` } }).then((r) => r.status);
      expect([await status(cached.baseUrl), await status(otherUrl)]).toEqual([200, 200]);
      // As the CLI of another host would: straight in the database, telling no instance.
      await cached.app.get(DataSource).query('UPDATE principals SET revoked_at = now() WHERE id = $1', [p.id]);
      await eventually(async () => [await status(cached.baseUrl), await status(otherUrl)], (s) => s[0] === 401 && s[1] === 401, 5000);
    } finally {
      await other.close();
      await cached.close();
    }
  });

  it('refuses a role the route does not allow', async () => {
    const agency = await t.key({ role: 'agency', domains: ['land_supply'] });
    const res = await t.request('POST', '/v1/obligations', { key: agency, body: obligation(uscc(1), 'AUTH-AGENCY') });
    expect(res.status).toBe(403);
    expect(res.body.message).toContain('agency');
  });

  it('lets an operator read and list but not create', async () => {
    const operator = await t.key({ role: 'operator' });
    const created = await t.request('POST', '/v1/obligations', { key: admin, body: obligation(uscc(1), 'AUTH-OP-1') });
    expect(created.status).toBe(201);
    expect((await t.request('GET', `/v1/obligations/${created.body.id}`, { key: operator })).status).toBe(200);
    expect((await t.request('GET', `/v1/obligations/${created.body.id}/history`, { key: operator })).status).toBe(200);
    const list = await t.request('GET', '/v1/obligations', { key: operator });
    expect(list.body.items.map((o: any) => o.id)).toContain(created.body.id);
    expect((await t.request('GET', `/v1/enterprises/${uscc(1)}`, { key: operator })).status).toBe(200);
    expect((await t.request('POST', '/v1/obligations', { key: operator, body: obligation(uscc(1), 'AUTH-OP-2') })).status).toBe(403);
    expect((await t.request('POST', '/v1/enterprises', { key: operator, body: enterprise(3) })).status).toBe(403);
    const rectify = await t.request('POST', `/v1/obligations/${created.body.id}/rectified`, { key: operator, body: { verifiedOn: '2025-05-01' } });
    expect(rectify.status).toBe(403);
  });

  it('keeps a department to its own obligations', async () => {
    const industry = await t.key({ role: 'department', department: 'industry_it' });
    const reform = await t.key({ role: 'department', department: 'development_reform' });
    const foreign = await t.request('POST', '/v1/obligations', {
      key: industry,
      body: obligation(uscc(1), 'AUTH-DEPT-1', { department: 'development_reform' }),
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.message).toContain('development_reform');

    const theirs = await t.request('POST', '/v1/obligations', { key: reform, body: obligation(uscc(1), 'AUTH-DEPT-2', { department: 'development_reform' }) });
    expect(theirs.status).toBe(201);
    const id = theirs.body.id;
    expect((await t.request('POST', `/v1/obligations/${id}/rectified`, { key: industry, body: { verifiedOn: '2025-05-01' } })).status).toBe(403);
    expect((await t.request('GET', `/v1/obligations/${id}`, { key: industry })).status).toBe(403);
    expect((await t.request('GET', `/v1/obligations/${id}/history`, { key: industry })).status).toBe(403);
    expect((await t.request('GET', '/v1/obligations?department=development_reform', { key: industry })).status).toBe(403);
    const after = await t.request('GET', `/v1/obligations/${id}`, { key: reform });
    expect(after.body.stage).toBe('rectification');
  });

  it('keeps a county-scoped department key to its counties', async () => {
    const scoped = await t.key({ role: 'department', department: 'industry_it', counties: ['441602'] });
    const elsewhere = await t.request('POST', '/v1/obligations', { key: scoped, body: obligation(uscc(3), 'AUTH-CTY-1', { county: '441621' }) });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.message).toContain('441621');
    // Writing its own county into the body does not bring an enterprise registered elsewhere into the key's scope.
    const claimed = await t.request('POST', '/v1/obligations', { key: scoped, body: obligation(uscc(3), 'AUTH-CTY-1B', { county: '441602' }) });
    expect(claimed.status).toBe(422);
    expect(claimed.body.details).toEqual([{ field: 'county', message: expect.stringContaining('441621') }]);
    const own = await t.request('POST', '/v1/obligations', { key: scoped, body: obligation(uscc(2), 'AUTH-CTY-2') });
    expect(own.status).toBe(201);

    const outside = await t.request('POST', '/v1/obligations', { key: admin, body: obligation(uscc(3), 'AUTH-CTY-3', { county: '441621' }) });
    const otherDept = await t.request('POST', '/v1/obligations', {
      key: admin,
      body: obligation(uscc(2), 'AUTH-CTY-4', { department: 'development_reform' }),
    });
    expect([outside.status, otherDept.status]).toEqual([201, 201]);
    // The same case number in its own county: a conflict, which names no case of another county.
    const clash = await t.request('POST', '/v1/obligations', { key: scoped, body: obligation(uscc(2), 'AUTH-CTY-3') });
    expect(clash.status).toBe(409);
    expect(JSON.stringify(clash.body)).not.toContain(outside.body.id);
    expect((await t.request('GET', `/v1/obligations/${outside.body.id}`, { key: scoped })).status).toBe(403);
    expect((await t.request('POST', `/v1/obligations/${outside.body.id}/rectified`, { key: scoped, body: { verifiedOn: '2025-05-01' } })).status).toBe(403);

    const list = await t.request('GET', '/v1/obligations', { key: scoped });
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const o of list.body.items) expect([o.department, o.county]).toEqual(['industry_it', '441602']);
    const ids = list.body.items.map((o: any) => o.id);
    expect(ids).toContain(own.body.id);
    expect(ids).not.toContain(outside.body.id);
    expect(ids).not.toContain(otherDept.body.id);
    const asked = await t.request('GET', '/v1/obligations?county=441621', { key: scoped });
    expect(asked.body.items).toEqual([]);

    const enterpriseElsewhere = await t.request('POST', '/v1/enterprises', { key: scoped, body: enterprise(9, { county: '441621' }) });
    expect(enterpriseElsewhere.status).toBe(403);
    expect((await t.request('GET', `/v1/enterprises/${uscc(9)}`, { key: admin })).status).toBe(404);
  });
});
