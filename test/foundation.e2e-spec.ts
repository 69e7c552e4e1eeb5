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

  it('echoes x-request-id when sent and issues one otherwise, on errors too', async () => {
    const echoed = await t.request('GET', '/health', { headers: { 'x-request-id': 'trace-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-42');
    const refused = await t.request('GET', '/v1/obligations', { headers: { 'x-request-id': 'trace-43' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toBe('trace-43');
    const issued = await t.request('GET', '/health');
    expect(issued.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('needs no key for health', async () => {
    const health = await t.request('GET', '/health');
    expect(health.body).toMatchObject({ status: 'ok', details: { postgres: { status: 'up' }, redis: { status: 'up' } } });
  });
});
