import { DataSource } from 'typeorm';
import { PrincipalsService } from '../src/principals/principals.service';
import { SUBSCRIPTION_SECRET_PURPOSE } from '../src/secrets/purposes';
import { SecretBox } from '../src/secrets/secret-box';
import { SubscriptionsRepository } from '../src/subscriptions/subscriptions.repository';
import { startTestApp, TestApp } from './support/app';

const hook = (n: number) => `https://93.184.216.${n}/hooks/sanctions`;

describe('subscriptions', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.key({ role: 'admin' });
  });
  afterAll(() => t.close());

  const create = (body: Record<string, unknown>) => t.request('POST', '/v1/subscriptions', { key: admin, body });
  const count = async () => (await t.request('GET', '/v1/subscriptions?limit=500', { key: admin })).body.items.length;

  it('creates a subscription and shows its whsec_ secret only in that answer', async () => {
    const res = await create({ agency: '市自然资源局', domains: ['land_supply'], url: hook(1) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      agency: '市自然资源局',
      domains: ['land_supply'],
      url: hook(1),
      state: 'active',
      principalId: null,
      maxConcurrency: 32,
      ratePerSecond: 100,
      backfilled: 0,
      createdAt: '2025-06-01T04:00:00.000Z',
    });
    const secret: string = res.body.secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);

    const one = await t.request('GET', `/v1/subscriptions/${res.body.id}`, { key: admin });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: res.body.id, url: hook(1) });
    const list = await t.request('GET', '/v1/subscriptions', { key: admin });
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain(res.body.id);
    for (const body of [one.body, list.body]) {
      expect(JSON.stringify(body)).not.toContain('whsec_');
      expect(JSON.stringify(body)).not.toContain('"secret"');
    }

    // Stored sealed, never in clear; the delivery engine opens it to the one the agency was given.
    const [stored] = await t.app.get(SubscriptionsRepository).findByIds(t.app.get(DataSource).manager, [res.body.id]);
    expect(stored.secret).toMatch(/^enc:v1:[^:]+:/);
    expect(stored.secret).not.toContain(secret.slice('whsec_'.length, 20));
    expect(t.app.get(SecretBox).open(stored.secret, SUBSCRIPTION_SECRET_PURPOSE)).toBe(secret);
  });

  it('patches state and domains; disabling records when and why, re-enabling clears it', async () => {
    const id = (await create({ agency: '发改委', domains: ['funding_support'], url: hook(4) })).body.id;
    t.clock.advance(60_000);
    const disabled = await t.request('PATCH', `/v1/subscriptions/${id}`, { key: admin, body: { state: 'disabled', domains: ['funding_support', 'financing_credit'] } });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({
      state: 'disabled',
      domains: ['funding_support', 'financing_credit'],
      disabledAt: '2025-06-01T04:01:00.000Z',
      disabledReason: 'disabled by operator',
      updatedAt: '2025-06-01T04:01:00.000Z',
    });
    expect((await t.request('GET', `/v1/subscriptions/${id}`, { key: admin })).body).toMatchObject({ state: 'disabled', disabledReason: 'disabled by operator' });
    const enabled = await t.request('PATCH', `/v1/subscriptions/${id}`, { key: admin, body: { state: 'active', maxConcurrency: 8, ratePerSecond: 5 } });
    expect(enabled.body).toMatchObject({ state: 'active', disabledAt: null, disabledReason: null, maxConcurrency: 8, ratePerSecond: 5 });
    expect((await t.request('GET', `/v1/subscriptions/${id}`, { key: admin })).body).toMatchObject({ state: 'active', disabledAt: null, maxConcurrency: 8 });
  });

  it('rotates the secret, keeping the previous one for the overlap', async () => {
    const created = (await create({ agency: '人民银行', domains: ['financing_credit'], url: hook(5) })).body;
    const rotated = await t.request('POST', `/v1/subscriptions/${created.id}/rotate-secret`, { key: admin });
    expect(rotated.status).toBe(200);
    expect(rotated.body.id).toBe(created.id);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    const expires = new Date(t.clock.now().getTime() + 24 * 3_600_000).toISOString();
    expect(rotated.body.previousSecretExpiresAt).toBe(expires);
    const [stored] = await t.app.get(SubscriptionsRepository).findByIds(t.app.get(DataSource).manager, [created.id]);
    const box = t.app.get(SecretBox);
    expect([box.open(stored.secret, SUBSCRIPTION_SECRET_PURPOSE), box.open(stored.previousSecret!, SUBSCRIPTION_SECRET_PURPOSE)]).toEqual([rotated.body.secret, created.secret]);
    const after = await t.request('GET', `/v1/subscriptions/${created.id}`, { key: admin });
    expect(after.body.previousSecretExpiresAt).toBe(expires);
    expect(JSON.stringify(after.body)).not.toContain('whsec_');
  });

  it('pages the list with a cursor', async () => {
    for (const n of [6, 7, 8]) await create({ agency: `分页${n}`, domains: ['land_supply'], url: hook(n) });
    const total = await count();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t.request(
        'GET',
        `/v1/subscriptions?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { key: admin },
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((s) => s.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect((await t.request('GET', '/v1/subscriptions?cursor=garbage', { key: admin })).status).toBe(400);
  });

  it('is admin only', async () => {
    const operator = await t.key({ role: 'operator' });
    const agency = await t.key({ role: 'agency', domains: ['land_supply'] });
    for (const key of [operator, agency]) {
      expect((await t.request('GET', '/v1/subscriptions', { key })).status).toBe(403);
      const body = { agency: 'x', domains: ['land_supply'], url: hook(9) };
      expect((await t.request('POST', '/v1/subscriptions', { key, body })).status).toBe(403);
    }
    const none = await t.request('GET', '/v1/subscriptions');
    expect(none.status).toBe(401);
    expect(none.body.message).toMatch(/^authorization:/);
  });

  it('answers bad input with 400 naming the field and writes nothing', async () => {
    const before = await count();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ agency: 'a', domains: ['land'], url: hook(10) }, 'domains'],
      [{ agency: 'a', domains: [], url: hook(10) }, 'domains'],
      [{ agency: 'a', domains: ['land_supply', 'land_supply'], url: hook(10) }, 'domains'],
      [{ agency: 'a', domains: ['land_supply'], url: 'not a url' }, 'url'],
      [{ agency: 'a', domains: ['land_supply'], url: 'http://93.184.216.10/x' }, 'url'],
      [{ agency: 'a', domains: ['land_supply'], url: 'https://user:pw@93.184.216.10/x' }, 'url'],
      [{ agency: 'a', domains: ['land_supply'], url: hook(10), secret: 'whsec_mine' }, 'secret'],
      [{ agency: 'a', domains: ['land_supply'], url: hook(10), maxConcurrency: 0 }, 'maxConcurrency'],
      [{ agency: 'a', domains: ['land_supply'], url: hook(10), principalId: 'nope' }, 'principalId'],
      [{ domains: ['land_supply'], url: hook(10) }, 'agency'],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.message).toContain(`${field}:`);
    }
    const id = (await t.request('GET', '/v1/subscriptions', { key: admin })).body.items[0].id;
    for (const [body, field] of [
      [{ url: null }, 'url'],
      [{ state: 'deleted' }, 'state'],
      [{ domains: ['nope'] }, 'domains'],
      [{ secret: 'x' }, 'secret'],
    ] as Array<[Record<string, unknown>, string]>) {
      const res = await t.request('PATCH', `/v1/subscriptions/${id}`, { key: admin, body });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(`${field}:`);
    }
    expect(await count()).toBe(before);
  });

  it('answers unknown and malformed ids with 404', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      expect((await t.request('GET', `/v1/subscriptions/${id}`, { key: admin })).status).toBe(404);
      expect((await t.request('PATCH', `/v1/subscriptions/${id}`, { key: admin, body: { state: 'paused' } })).status).toBe(404);
      expect((await t.request('POST', `/v1/subscriptions/${id}/rotate-secret`, { key: admin })).status).toBe(404);
    }
  });

  it('links only an unrevoked agency principal (422 otherwise)', async () => {
    const principals = t.app.get(PrincipalsService);
    const agency = await principals.create({ name: '自然资源局接口', role: 'agency', domains: ['land_supply'] });
    const operator = await principals.create({ name: 'ops', role: 'operator' });
    const revoked = await principals.create({ name: 'old', role: 'agency', domains: ['land_supply'] });
    await principals.revoke(revoked.id);
    const ok = await create({ agency: '自然资源局', domains: ['land_supply'], url: hook(11), principalId: agency.id });
    expect(ok.status).toBe(201);
    expect(ok.body.principalId).toBe(agency.id);
    for (const principalId of [operator.id, revoked.id, '00000000-0000-4000-8000-000000000000']) {
      const res = await create({ agency: 'x', domains: ['land_supply'], url: hook(12), principalId });
      expect(res.status).toBe(422);
      expect(res.body.message).toMatch(/^principalId:/);
      const patched = await t.request('PATCH', `/v1/subscriptions/${ok.body.id}`, { key: admin, body: { principalId } });
      expect(patched.status).toBe(422);
    }
    const unlinked = await t.request('PATCH', `/v1/subscriptions/${ok.body.id}`, { key: admin, body: { principalId: null } });
    expect(unlinked.body.principalId).toBeNull();
  });

  it('refuses internal targets unless allow-listed', async () => {
    for (const [url, reason] of [
      ['https://127.0.0.1/x', '127.0.0.1 is a loopback address'],
      ['https://169.254.169.254/latest/meta-data', 'link-local'],
      ['https://[::ffff:10.0.0.1]/x', 'IPv4-mapped private'],
      ['https://[::1]/x', 'loopback'],
      ['https://localhost/x', 'localhost resolves to'],
      ['https://nonexistent.invalid/x', 'nonexistent.invalid'],
      ['http://localhost:9/x', 'must use https'],
    ]) {
      const res = await create({ agency: 'a', domains: ['land_supply'], url });
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.body.message).toMatch(/^url: /);
      expect(res.body.message).toContain(reason);
    }
  });
});

describe('subscriptions with allow-listed sandbox hosts', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ outbound: { allow: ['127.0.0.1', 'localhost'] } });
    admin = await t.key({ role: 'admin' });
  });
  afterAll(() => t.close());

  it('accepts private addresses and plain http for allow-listed hosts only', async () => {
    const post = (url: string) => t.request('POST', '/v1/subscriptions', { key: admin, body: { agency: 'sandbox', domains: ['land_supply'], url } });
    expect((await post('https://127.0.0.1/x')).status).toBe(201);
    expect((await post('http://localhost:9/x')).status).toBe(201);
    expect((await post('http://127.0.0.1:4010/agency')).status).toBe(201);
    const other = await post('https://127.0.0.2/x');
    expect(other.status).toBe(400);
    expect(other.body.message).toContain('loopback');
  });
});
