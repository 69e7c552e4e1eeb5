import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { createApp } from '../src/app.factory';
import { startTestApp, TestApp } from './support/app';

describe('access log', () => {
  let t: TestApp;
  let app: NestFastifyApplication;
  let base: string;
  const lines: Array<Record<string, any>> = [];

  beforeAll(async () => {
    t = await startTestApp();
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    app = await createApp(t.config, { clock: t.clock, logger });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('writes one line per answered request, with its id and status and without the key, and none for probes', async () => {
    const key = await t.key({ role: 'operator' });
    lines.length = 0;
    const res = await fetch(`${base}/v1/ledger/head`, { headers: { authorization: `Bearer ${key}`, 'x-request-id': 'probe-1' } });
    expect(res.status).toBe(200);
    expect((await fetch(`${base}/v1/ledger/head`)).status).toBe(401);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const completed = lines.filter((l) => l.msg === 'request completed');
    expect(completed).toEqual([
      expect.objectContaining({ level: 30, req: expect.objectContaining({ id: 'probe-1', method: 'GET', url: '/v1/ledger/head' }), res: { statusCode: 200 } }),
      expect.objectContaining({ req: expect.objectContaining({ url: '/v1/ledger/head' }), res: { statusCode: 401 } }),
    ]);
    expect(completed[0].responseTime).toEqual(expect.any(Number));
    expect(JSON.stringify(lines)).not.toContain(key);
  });
});
