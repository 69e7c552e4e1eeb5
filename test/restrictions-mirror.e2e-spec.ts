import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { RestrictionsMirror } from '../src/restrictions/mirror/restrictions-mirror';
import { startTestApp, TestApp } from './support/app';
import { exitOrdered, sweep } from './support/sweep-fixtures';

const MIRROR = { refreshMs: 50, maxStaleMs: 400 };

describe('restrictions answered from memory', () => {
  let t: TestApp;
  let db: DataSource;
  let second: NestFastifyApplication;
  let secondUrl: string;
  let dept: string;
  let agency: string;
  let code: string;
  let obligationId: string;

  const restricted = async (base = t.baseUrl) => {
    const res = await fetch(`${base}/v1/restrictions/${code}`, { headers: { authorization: `Bearer ${agency}` } });
    if (res.status !== 200) throw new Error(`lookup answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { restricted: boolean }).restricted;
  };
  /** Polls until the answer is `want` and returns how long that took, giving up after `limitMs`. */
  const until = async (want: boolean, base: string, limitMs: number) => {
    const start = Date.now();
    while ((await restricted(base)) !== want) {
      if (Date.now() - start > limitMs) throw new Error(`still ${!want} after ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return Date.now() - start;
  };

  beforeAll(async () => {
    t = await startTestApp({ restrictions: { mirror: MIRROR }, dimensions: { energy: { noticeDays: 0 } } });
    db = t.app.get(DataSource);
    second = await createApp(t.config, { clock: t.clock });
    await second.listen(0, '127.0.0.1');
    secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
    dept = await t.key({ role: 'department', department: 'industry_it' });
    agency = await t.key({ role: 'agency', domains: ['land_supply'] });
    const operator = await t.key({ role: 'operator' });
    const o = await exitOrdered(t, dept, 501, '2025-05-20');
    ({ uscc: code, id: obligationId } = o);
    await t.app.get(RestrictionsMirror).refresh();
    await second.get(RestrictionsMirror).refresh();
    expect(await restricted()).toBe(false);
    expect((await sweep(t, operator, '2025-05-21T08:00:00+08:00')).sanctioned).toBe(1);
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });

  it('shows a change made on this instance in its very next answer, and on another within a second', async () => {
    expect(await restricted()).toBe(true);
    expect(await until(true, secondUrl, 1000)).toBeLessThan(1000);
    expect(t.app.get(RestrictionsMirror).state()).toMatchObject({ loaded: true, records: 1 });

    t.clock.set('2025-09-02T04:00:00Z');
    const done = await t.request('POST', `/v1/obligations/${obligationId}/exit-completed`, { key: dept, body: { completedOn: '2025-09-01', method: 'dismantled' } });
    expect(done.status).toBe(200);
    expect(await restricted()).toBe(false);
    expect(await until(false, secondUrl, 1000)).toBeLessThan(1000);
    expect(second.get(RestrictionsMirror).state()).toMatchObject({ loaded: true, records: 0 });
  });

  it('answers without reading the table while fresh, and from the table once it cannot refresh', async () => {
    const [{ record_id }] = await db.query(`SELECT record_id FROM records LIMIT 1`);
    // Put the restriction back by hand, as if on another instance, with a ledger entry to announce it.
    await db.query(`INSERT INTO restrictions (record_id, uscc, measures, since) VALUES ($1, $2, '{land_supply}', '2025-05-21')`, [record_id, code]);
    await db.query(
      `INSERT INTO ledger_entries (seq, record_id, version, record_hash, prev_hash, appended_at, hash)
       SELECT seq + 1, record_id, version + 100, record_hash, hash, now(), hash FROM ledger_entries ORDER BY seq DESC LIMIT 1`,
    );
    await until(true, t.baseUrl, 1000);

    await db.query(`ALTER TABLE restrictions RENAME TO restrictions_away`);
    try {
      // The mirror still answers: no lookup touches the table.
      for (let i = 0; i < 5; i++) expect(await restricted()).toBe(true);
      // With the ledger gone too, refreshes fail; after maxStaleMs lookups go to the table, which says nothing.
      await db.query(`ALTER TABLE ledger_entries RENAME TO ledger_entries_away`);
      await db.query(`ALTER TABLE restrictions_away RENAME TO restrictions`);
      await db.query(`DELETE FROM restrictions`);
      expect(await until(false, t.baseUrl, 1000)).toBeLessThan(1000);
    } finally {
      await db.query(`ALTER TABLE IF EXISTS restrictions_away RENAME TO restrictions`);
      await db.query(`ALTER TABLE IF EXISTS ledger_entries_away RENAME TO ledger_entries`);
    }
    expect(t.app.get(RestrictionsMirror).state().ageMs).toBeGreaterThan(MIRROR.maxStaleMs);
    const metrics = (await t.request('GET', '/metrics')).body as string;
    const count = (source: string) => Number(new RegExp(`^gateway_restriction_lookups_total\\{source="${source}"\\} (\\d+)`, 'm').exec(metrics)?.[1]);
    expect(count('memory')).toBeGreaterThanOrEqual(5);
    expect(count('database')).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/^gateway_restrictions_mirror_age_seconds \d/m);
  });
});
