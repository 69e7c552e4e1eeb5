import { DataSource } from 'typeorm';
import { startSandbox, Sandbox } from '../sandbox/server';
import { startTestApp, TestApp } from './support/app';
import { eventually, sanction } from './support/delivery-fixtures';

const SECRET = 'whsec_' + Buffer.alloc(32, 7).toString('base64');

describe('national credit platform connector against the sandbox', () => {
  let sandbox: Sandbox;
  let t: TestApp;
  let keys: { dept: string; operator: string };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, platform: { clientId: 'heyuan-test', secret: SECRET }, now: () => t.clock.now() });
    t = await startTestApp({
      creditPlatform: { url: sandbox.platformUrl, clientId: 'heyuan-test', secret: SECRET, batchSize: 2 },
      dimensions: { energy: { noticeDays: 0 } },
    });
    sandbox.setGatewayUrl(t.baseUrl);
    keys = { dept: await t.key({ role: 'department', department: 'industry_it' }), operator: await t.key({ role: 'operator' }) };
  });
  afterAll(async () => {
    await t.close();
    await sandbox.close();
  });

  const platformRows = (recordIds: string[]) =>
    t.app
      .get(DataSource)
      .query(`SELECT record_id, status, attempts, final_reason, last_http_status FROM deliveries WHERE target = 'credit-platform' AND record_id = ANY($1) ORDER BY record_id`, [recordIds]);

  it('pushes records in signed batches; the platform verifies and holds each one', async () => {
    const before = sandbox.faults.stats('platform-batch').requests;
    const ids = await sanction(t, keys, 5);
    await eventually(() => platformRows(ids), (rows) => rows.length === 5 && rows.every((r: { status: string }) => r.status === 'delivered'));
    for (const id of ids) expect(sandbox.platform.table.get(id)).toMatchObject({ version: 1, status: 'active' });
    // Batches of at most two: at least three requests for five records.
    expect(sandbox.faults.stats('platform-batch').requests - before).toBeGreaterThanOrEqual(3);
  });

  it('marks an item the platform rejects as dead with the platform reason', async () => {
    sandbox.faults.set('platform-batch', { rejectRate: 1 });
    try {
      const ids = await sanction(t, keys, 1);
      const [row] = await eventually(() => platformRows(ids), (rows) => rows[0]?.status === 'dead');
      expect(row.final_reason).toContain('injected');
    } finally {
      sandbox.faults.clear('platform-batch');
    }
  });

  it('retries while the platform is down and delivers when it returns', async () => {
    sandbox.faults.set('platform-batch', { errorRate: 1, statusCodes: [503] });
    const ids = await sanction(t, keys, 2);
    const failed = await eventually(() => platformRows(ids), (rows) => rows.length === 2 && rows.every((r: { status: string }) => r.status === 'failed'));
    expect(failed[0].last_http_status).toBe(503);
    sandbox.faults.clear('platform-batch');
    t.clock.advance(10_000);
    const sync = await t.request('POST', '/v1/ops/platform-sync', { key: keys.operator });
    expect(sync.status).toBe(202);
    await eventually(() => platformRows(ids), (rows) => rows.every((r: { status: string }) => r.status === 'delivered'));
    for (const id of ids) expect(sandbox.platform.table.get(id)?.status).toBe('active');
  });
});
