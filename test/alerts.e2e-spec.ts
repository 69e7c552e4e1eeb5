import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { AlertSender } from '../src/ops/alerts/alert-sender';
import { AlertsService } from '../src/ops/alerts/alerts.service';
import { startTestApp, TestApp } from './support/app';

/** A local alert receiver: records each JSON body, answers with the status at the head of `answers` (200 when empty). */
async function receiver(answers: number[]) {
  const bodies: Array<{ alerts: Array<Record<string, unknown>> }> = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const status = answers.shift() ?? 200;
    if (status === 200) bodies.push(JSON.parse(text));
    res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, bodies, close: () => new Promise((r) => server.close(r)) };
}

describe('operator alerts', () => {
  let t: TestApp;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let operator: string;

  beforeAll(async () => {
    // The first post fails: those alerts must stay unsent and go out on the next round.
    hook = await receiver([503]);
    t = await startTestApp({ delivery: { alertWebhookUrl: hook.url, relayIntervalMs: 3_600_000 } });
    operator = await t.key({ role: 'operator' });
  });
  afterAll(async () => {
    await t.close();
    await hook.close();
  });

  it('stores raised alerts, counts them, lists them and posts them oldest first once the webhook accepts', async () => {
    const alerts = t.app.get(AlertsService);
    const db = t.app.get(DataSource);
    const deliveryId = '11111111-1111-4111-8111-111111111111';
    await alerts.raise(null, 'delivery.failing', 'credit-platform', deliveryId, { attempts: 4, lastHttpStatus: 503 });
    t.clock.advance(60_000);
    // Raised inside a transaction that rolls back: never stored, never sent.
    await expect(
      db.transaction(async (m) => {
        await alerts.raise(m, 'delivery.exhausted', 'credit-platform', deliveryId, {});
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await alerts.raise(null, 'subscription.disabled', 'sub-1', null, { reason: 'failing for 120 hours' });

    const listed = await t.request('GET', '/v1/ops/alerts', { key: operator });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toMatchObject([
      { kind: 'subscription.disabled', target: 'sub-1', deliveryId: null, at: '2025-06-01T04:01:00.000Z', details: { reason: 'failing for 120 hours' }, sentAt: null },
      { kind: 'delivery.failing', target: 'credit-platform', deliveryId, at: '2025-06-01T04:00:00.000Z', details: { attempts: 4 }, sentAt: null },
    ]);
    const filtered = await t.request('GET', '/v1/ops/alerts?kind=delivery.failing', { key: operator });
    expect(filtered.body.items.map((a: { kind: string }) => a.kind)).toEqual(['delivery.failing']);
    expect((await t.request('GET', '/v1/ops/alerts?since=' + encodeURIComponent('2025-06-01T04:00:30Z'), { key: operator })).body.items).toHaveLength(1);
    expect((await t.request('GET', '/v1/ops/alerts?kind=nope', { key: operator })).body.message).toContain('kind');

    const sender = t.app.get(AlertSender);
    await expect(sender.flush()).rejects.toThrow('503');
    expect((await db.query(`SELECT count(*)::int AS n FROM ops_alerts WHERE sent_at IS NULL`))[0].n).toBe(2);

    // The next round is the sender's own timer, started at bootstrap because this process has the worker role.
    for (let i = 0; i < 100 && hook.bodies.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0].alerts.map((a) => a.kind)).toEqual(['delivery.failing', 'subscription.disabled']);
    const after = await t.request('GET', '/v1/ops/alerts', { key: operator });
    expect(after.body.items.every((a: { sentAt: string | null }) => a.sentAt === '2025-06-01T04:01:00.000Z')).toBe(true);
    expect(await sender.flush()).toBe(0);

    const metrics = await t.request('GET', '/metrics');
    expect(metrics.body).toMatch(/gateway_alerts_total\{kind="delivery.failing"\} 1\n/);
    expect(metrics.body).toMatch(/gateway_alerts_total\{kind="subscription.disabled"\} 1\n/);
  });

  it('is for operators', async () => {
    const agency = await t.key({ role: 'agency', domains: ['land_supply'] });
    expect((await t.request('GET', '/v1/ops/alerts', { key: agency })).status).toBe(403);
  });
});
