import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { QueryRecorder } from '../src/restrictions/query-log/query-recorder';
import { batchHash } from '../src/restrictions/query-log/query-buffer';
import { QueryRetention } from '../src/restrictions/query-log/query-retention';
import { startTestApp, TestApp } from './support/app';
import { uscc } from './support/fixtures';

const AGENCY = { role: 'agency', domains: ['land_supply'] };

describe('restriction rate limits', () => {
  let t: TestApp;
  let second: NestFastifyApplication | null = null;
  let secondUrl: string;
  const lookup = (key: string, base = t.baseUrl) => fetch(`${base}/v1/restrictions/${uscc(1)}`, { headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    t = await startTestApp({ restrictions: { rateLimit: { limit: 3, ttlMs: 60000 } } });
    second = await createApp(t.config, { clock: t.clock });
    await second.listen(0, '127.0.0.1');
    secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await second?.close();
    await t.close();
  });

  it('answers 429 with Retry-After and the error body once a principal spends its allowance, a batch counting once', async () => {
    const key = await t.key(AGENCY);
    expect((await lookup(key)).status).toBe(200);
    const batch = await t.request('POST', '/v1/restrictions:batch', { key, body: { usccs: [uscc(1), uscc(2), uscc(3), uscc(4)] } });
    expect(batch.status).toBe(200);
    expect((await lookup(key)).status).toBe(200);

    const refused = await t.request('GET', `/v1/restrictions/${uscc(1)}`, { key });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringContaining('rate limit'), details: { limit: 3, retryAfterSeconds: retryAfter } });
    expect((await t.request('POST', '/v1/restrictions:batch', { key, body: { usccs: [uscc(1)] } })).status).toBe(429);
  });

  it('counts the codes a batch looks up against the codes allowance', async () => {
    const codes = await startTestApp({ restrictions: { rateLimit: { limit: 100, codes: 10, ttlMs: 60000 } } });
    try {
      const key = await codes.key(AGENCY);
      const batch = (n: number) => codes.request('POST', '/v1/restrictions:batch', { key, body: { usccs: Array.from({ length: n }, (_, i) => uscc(20 + i)) } });
      expect((await batch(8)).status).toBe(200);
      expect((await codes.request('GET', `/v1/restrictions/${uscc(1)}`, { key })).status).toBe(200);
      const refused = await batch(3);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining('10 codes looked up per 60 s'), details: { limit: 10, unit: 'codes' } });
      expect((await codes.request('GET', `/v1/restrictions/${uscc(1)}`, { key })).status).toBe(429);
      // Another principal's allowance is its own.
      expect((await codes.request('GET', `/v1/restrictions/${uscc(1)}`, { key: await codes.key(AGENCY) })).status).toBe(200);
    } finally {
      await codes.close();
    }
  });

  it('limits each principal on its own and leaves other routes alone', async () => {
    const first = await t.key(AGENCY);
    const other = await t.key(AGENCY);
    for (let i = 0; i < 3; i++) expect((await lookup(first)).status).toBe(200);
    expect((await lookup(first)).status).toBe(429);
    expect((await lookup(other)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await t.request('GET', '/v1/ledger/head', { key: first })).status).toBe(200);
  });

  it('shares one allowance between two instances over the same Redis, and writes their audit rows on shutdown', async () => {
    const shared = await t.principal(AGENCY);
    expect((await lookup(shared.key)).status).toBe(200);
    expect((await lookup(shared.key, secondUrl)).status).toBe(200);
    expect((await lookup(shared.key)).status).toBe(200);
    expect((await lookup(shared.key, secondUrl)).status).toBe(429);
    expect((await lookup(shared.key)).status).toBe(429);

    const only = await t.principal(AGENCY);
    expect((await lookup(only.key, secondUrl)).status).toBe(200);
    await second!.close();
    second = null;
    const count = (id: string) => t.app.get(DataSource).query('SELECT count(*)::int AS n FROM restriction_queries WHERE principal_id = $1', [id]);
    expect(await count(only.id)).toEqual([{ n: 1 }]);
  });
});

describe('restriction query audit', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: string;
  let operator: string;
  let one: { id: string; key: string; name: string };
  let two: { id: string; key: string; name: string };
  const flush = () => t.app.get(QueryRecorder).flush();
  const list = (query = '', key = admin) => t.request('GET', `/v1/ops/restriction-queries${query}`, { key });

  beforeAll(async () => {
    t = await startTestApp({ restrictions: { auditRetentionDays: 30, auditCleanupBatch: 100 } });
    db = t.app.get(DataSource);
    admin = await t.key({ role: 'admin' });
    operator = await t.key({ role: 'operator' });
    one = await t.principal(AGENCY);
    two = await t.principal(AGENCY);
  });
  afterAll(() => t.close());

  it('records one row per request, a batch with its count and hash of codes, readable by admins only', async () => {
    t.clock.set('2025-06-01T04:00:00Z');
    expect((await t.request('GET', `/v1/restrictions/${uscc(11)}`, { key: one.key })).status).toBe(200);
    t.clock.set('2025-06-01T05:00:00Z');
    const batch = await t.request('POST', '/v1/restrictions:batch', { key: two.key, body: { usccs: [uscc(12), uscc(11), uscc(12)] } });
    expect(batch.status).toBe(200);
    await flush();

    const page = await list();
    expect(page.status).toBe(200);
    expect(page.body.nextCursor).toBeNull();
    expect(page.body.items).toEqual([
      {
        id: expect.any(String),
        principal: { id: two.id, name: two.name },
        uscc: null,
        at: '2025-06-01T05:00:00.000Z',
        batch: true,
        codes: 3,
        codesHash: batchHash([uscc(12), uscc(11), uscc(12)]),
      },
      { id: expect.any(String), principal: { id: one.id, name: one.name }, uscc: uscc(11), at: '2025-06-01T04:00:00.000Z', batch: false, codes: 1, codesHash: null },
    ]);

    expect((await list('', operator)).status).toBe(403);
    expect((await list('', one.key)).status).toBe(403);
  });

  it('filters by principal, code and time, and pages newest first without gaps or repeats', async () => {
    for (let n = 0; n < 3; n++) expect((await t.request('GET', `/v1/restrictions/${uscc(30 + n)}`, { key: one.key })).status).toBe(200);
    await flush();
    const codes = (query: string) => list(query).then((r) => r.body.items.map((i: any) => `${i.principal.name}:${i.uscc ?? i.codes}`));
    expect(await codes(`?principalId=${two.id}`)).toEqual([`${two.name}:3`]);
    // A batch keeps its codes' hash, not the codes: a code filter finds single lookups.
    expect(await codes(`?uscc=${uscc(11)}`)).toEqual([`${one.name}:${uscc(11)}`]);
    expect(await codes(`?since=2025-06-01T12:30:00%2B08:00`)).toHaveLength(4);
    expect(await codes(`?until=2025-06-01T12:30:00%2B08:00`)).toEqual([`${one.name}:${uscc(11)}`]);

    const all = (await list()).body.items.map((i: any) => i.id);
    expect(all).toHaveLength(5);
    const first = await list('?limit=3');
    expect(first.body.items).toHaveLength(3);
    const rest = await list(`?limit=3&cursor=${first.body.nextCursor}`);
    expect([...first.body.items, ...rest.body.items].map((i: any) => i.id)).toEqual(all);
    expect(rest.body.nextCursor).toBeNull();

    const bad = await list('?principalId=nope&since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['principalId', 'since']);
    expect((await list('?cursor=abc')).body.details).toEqual([{ field: 'cursor', message: expect.any(String) }]);
  });

  it('deletes, in batches, only rows older than the retention period', async () => {
    t.clock.set('2025-04-01T00:00:00Z');
    for (let i = 0; i < 150; i++) expect((await t.request('GET', `/v1/restrictions/${uscc(100 + i)}`, { key: one.key })).status).toBe(200);
    t.clock.set('2025-05-02T04:00:01Z');
    expect((await t.request('GET', `/v1/restrictions/${uscc(13)}`, { key: one.key })).status).toBe(200);
    await flush();
    const before = await db.query('SELECT count(*)::int AS n FROM restriction_queries');

    t.clock.set('2025-06-01T04:00:00Z');
    expect(await t.app.get(QueryRetention).purge()).toBe(150);
    const after = await db.query(`SELECT uscc, at FROM restriction_queries WHERE at < '2025-05-15Z'`);
    expect(after).toEqual([{ uscc: uscc(13), at: new Date('2025-05-02T04:00:01Z') }]);
    expect((await db.query('SELECT count(*)::int AS n FROM restriction_queries'))[0].n).toBe(before[0].n - 150);
    expect(await t.app.get(QueryRetention).purge()).toBe(0);
  });
});
