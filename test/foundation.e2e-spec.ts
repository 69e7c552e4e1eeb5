import { startTestApp, TestApp } from './support/app';
import { enterprise } from './support/fixtures';

describe('foundation', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.key({ role: 'admin' });
  });
  afterAll(() => t.close());

  it('serves health, docs and an enterprise', async () => {
    const health = await t.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
    const created = await t.request('POST', '/v1/enterprises', { key: admin, body: enterprise(1) });
    expect(created.status).toBe(201);
    const docs = await t.request('GET', '/docs/json');
    expect(docs.status).toBe(200);
  });
});
