import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { verifyChain } from '../src/signing/verify';
import { startTestApp, TestApp } from './support/app';
import { exitOrdered } from './support/sweep-fixtures';

describe('two gateway instances sweeping at once', () => {
  let t: TestApp;
  let second: NestFastifyApplication;
  let secondUrl: string;
  beforeAll(async () => {
    t = await startTestApp({ dimensions: { energy: { noticeDays: 0 } } });
    second = await createApp(t.config, { clock: t.clock });
    await second.listen(0, '127.0.0.1');
    secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });

  it('issues each record once and leaves one unbroken chain', async () => {
    const dept = await t.key({ role: 'department', department: 'industry_it' });
    const operator = await t.key({ role: 'operator' });
    for (let n = 0; n < 40; n++) await exitOrdered(t, dept, 300 + n, '2025-05-20');
    t.clock.set('2025-05-21T08:00:00+08:00');
    const body = JSON.stringify({});
    const headers = { authorization: `Bearer ${operator}`, 'content-type': 'application/json' };
    const answers = await Promise.all(
      [t.baseUrl, secondUrl, t.baseUrl, secondUrl].map((base) => fetch(`${base}/v1/ops/sweeps`, { method: 'POST', headers, body }).then((r) => r.json() as Promise<{ sanctioned: number; notified: number }>)),
    );
    expect(answers.reduce((sum, a) => sum + a.sanctioned, 0)).toBe(40);
    expect(answers.reduce((sum, a) => sum + a.notified, 0)).toBe(40);
    const db = t.app.get(DataSource);
    const [{ records, obligations }] = await db.query(
      `SELECT count(*)::int AS records, count(DISTINCT obligation_id)::int AS obligations FROM records`,
    );
    expect({ records, obligations }).toEqual({ records: 40, obligations: 40 });
    const entries = (await t.request('GET', '/v1/ledger?limit=5000', { key: operator })).body.items;
    expect(entries).toHaveLength(40);
    expect(verifyChain(entries)).toMatchObject({ ok: true, count: 40 });
  });
});
