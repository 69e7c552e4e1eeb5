import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { compactVerify, createLocalJWKSet } from 'jose';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.factory';
import { ConfigError, loadConfig } from '../src/config/load-config';
import type { AppConfig } from '../src/config/config.schema';
import { PrincipalsService } from '../src/principals/principals.service';
import { startTestApp } from './support/app';
import { createScratchDatabase } from './support/database';
import { eventually } from './support/delivery-fixtures';
import { enterprise, obligation } from './support/fixtures';

// DESIGN section 3 "Simulated clock": GATEWAY_CLOCK=simulated, moved forward only, kept in PostgreSQL.

interface Instance {
  app: NestFastifyApplication;
  url: string;
}

describe('simulated clock', () => {
  let drop: () => Promise<void>;
  let config: AppConfig;
  const instances: Instance[] = [];
  let admin: string;
  let operator: string;
  let dept: string;

  const start = async (): Promise<Instance> => {
    const app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    const instance = { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
    instances.push(instance);
    return instance;
  };
  const call = async (i: Instance, method: string, path: string, key?: string, body?: unknown) => {
    const res = await fetch(i.url + path, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const clockOf = async (i: Instance) => (await call(i, 'GET', '/health')).body.details.clock as { status: string; mode: string; now: string };

  beforeAll(async () => {
    const db = await createScratchDatabase();
    drop = db.drop;
    config = loadConfig({
      env: { ...process.env, NODE_ENV: 'test', GATEWAY_CLOCK: 'simulated', GATEWAY_CLOCK_START: '2026-01-05T09:00:00+08:00' },
      overrides: {
        database: { url: db.url, poolSize: 4 },
        redis: { keyPrefix: `t${db.url.split('_').pop()}` },
        clock: { refreshMs: 100 },
        dimensions: { technology: { noticeDays: 0 } },
      },
    });
    const first = await start();
    const principals = first.app.get(PrincipalsService);
    admin = (await principals.create({ name: 'admin', role: 'admin' })).key;
    operator = (await principals.create({ name: 'operator', role: 'operator' })).key;
    dept = (await principals.create({ name: 'industry', role: 'department', department: 'industry_it' })).key;
  });
  afterAll(async () => {
    for (const i of instances) await i.app.close();
    await drop();
  });

  it('starts at GATEWAY_CLOCK_START, runs at real speed, and says so on /health', async () => {
    const clock = await clockOf(instances[0]);
    expect(clock).toMatchObject({ status: 'up', mode: 'simulated' });
    const elapsed = Date.parse(clock.now) - Date.parse('2026-01-05T01:00:00Z');
    expect(elapsed).toBeGreaterThanOrEqual(0);
    expect(elapsed).toBeLessThan(10 * 60_000);
  });

  it('moves forward for an admin only, never back, and every instance and restart agrees', async () => {
    const [a] = instances;
    const b = await start();
    expect((await call(a, 'POST', '/v1/ops/clock', operator, { now: '2026-03-01T00:00:00+08:00' })).status).toBe(403);
    expect((await call(a, 'POST', '/v1/ops/clock', admin, { now: 'soon' })).status).toBe(400);
    const moved = await call(a, 'POST', '/v1/ops/clock', admin, { now: '2026-03-01T00:00:00+08:00' });
    expect(moved.status).toBe(200);
    expect(moved.body.mode).toBe('simulated');
    expect(Date.parse(moved.body.now)).toBeGreaterThanOrEqual(Date.parse('2026-02-28T16:00:00Z'));
    const back = await call(b, 'POST', '/v1/ops/clock', admin, { now: '2026-02-01T00:00:00+08:00' });
    expect(back.status).toBe(409);
    expect(back.body).toMatchObject({ code: 'CLOCK_BACKWARDS', message: expect.stringContaining('only moves forward') });
    await eventually(() => clockOf(b), (c) => Date.parse(c.now) >= Date.parse('2026-02-28T16:00:00Z'));

    await b.app.close();
    instances.splice(instances.indexOf(b), 1);
    const c = await start();
    expect(Date.parse((await clockOf(c)).now)).toBeGreaterThanOrEqual(Date.parse('2026-02-28T16:00:00Z'));
    const audit = await call(a, 'GET', '/v1/ops/audit?action=clock.move', operator);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ actor: { name: 'admin' }, subjectType: 'clock' });
  });

  it('dates acts by the simulated time and marks every record it signs as simulated', async () => {
    const [a] = instances;
    const e = enterprise(1);
    expect((await call(a, 'POST', '/v1/enterprises', dept, e)).status).toBe(201);
    const o = await call(a, 'POST', '/v1/obligations', dept, obligation(e.uscc, 'SIM-1', { dimension: 'technology', stage: 'exit_ordered', issuedOn: '2026-01-05', deadline: '2026-01-31' }));
    expect(o.status).toBe(201);
    // Facts up to the simulated today are accepted, though the system clock may be far from it.
    const sweep = await call(a, 'POST', '/v1/ops/sweeps', operator, {});
    expect(sweep.status).toBe(200);
    expect(sweep.body).toMatchObject({ notified: 1, sanctioned: 1, actedOn: '2026-03-01' });
    const records = await call(a, 'GET', '/v1/public/lists/sanctions');
    const [item] = records.body.items;
    expect(item.listedOn).toBe('2026-03-01');
    const signed = await call(a, 'GET', `/v1/records/${item.recordId}`, operator);
    expect(signed.body.record).toMatchObject({ simulated: true, listedOn: '2026-03-01' });
    const jwks = await call(a, 'GET', '/.well-known/jwks.json');
    const { payload } = await compactVerify(signed.body.jws, createLocalJWKSet(jwks.body));
    expect(JSON.parse(Buffer.from(payload).toString('utf8')).simulated).toBe(true);
  });

  it('is off without GATEWAY_CLOCK=simulated: the clock cannot be moved, and no file switches it on', async () => {
    const t = await startTestApp();
    try {
      const key = await t.key({ role: 'admin' });
      const res = await t.request('POST', '/v1/ops/clock', { key, body: { now: '2030-01-01T00:00:00+08:00' } });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('CLOCK_NOT_SIMULATED');
    } finally {
      await t.close();
    }
    const file = join(mkdtempSync(join(tmpdir(), 'gateway-config-')), 'deployment.yaml');
    writeFileSync(file, 'clock:\n  mode: simulated\n');
    expect(loadConfig({ env: { NODE_ENV: 'test', GATEWAY_CONFIG: file } }).clock.mode).toBe('system');
    expect(() => loadConfig({ env: { NODE_ENV: 'test', GATEWAY_CLOCK: 'fast' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { NODE_ENV: 'test', GATEWAY_CLOCK: 'simulated', GATEWAY_CLOCK_START: 'tomorrow' } })).toThrow(/clock.start/);
  });
});
