import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signWebhook } from './webhook-signature';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('signWebhook', () => {
  const current = secret();
  const previous = secret();
  const body = JSON.stringify({ type: 'sanction.issued', record: { recordId: '01J', name: '河源某钢铁有限公司' }, jws: 'a.b.c' });

  it('produces the three Standard Webhooks headers', () => {
    const headers = signWebhook({ id: 'd-1', timestamp: 1_748_750_400, body, secrets: [current] });
    expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(headers['webhook-id']).toBe('d-1');
    expect(headers['webhook-timestamp']).toBe('1748750400');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it('verifies with the reference library under either secret during a rotation', () => {
    const headers = signWebhook({ id: 'd-2', timestamp: nowSeconds(), body, secrets: [current, previous] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret()).verify(body, headers)).toThrow();
  });

  it('matches the reference signature byte for byte', () => {
    const at = new Date(1_748_750_400_000);
    const headers = signWebhook({ id: 'd-3', timestamp: 1_748_750_400, body, secrets: [current] });
    expect(headers['webhook-signature']).toBe(new Webhook(current).sign('d-3', at, body));
  });

  it('signs a body given as bytes exactly as the same text', () => {
    const at = new Date(1_748_750_400_000);
    const headers = signWebhook({ id: 'd-6', timestamp: 1_748_750_400, body: Buffer.from(body), secrets: [current] });
    expect(headers['webhook-signature']).toBe(new Webhook(current).sign('d-6', at, body));
  });

  it('fails verification when the body, id or timestamp is changed', () => {
    const ts = nowSeconds();
    const headers = signWebhook({ id: 'd-4', timestamp: ts, body, secrets: [current] });
    expect(() => new Webhook(current).verify(body.replace('01J', '01K'), headers)).toThrow();
    expect(() => new Webhook(current).verify(body, { ...headers, 'webhook-id': 'd-5' })).toThrow();
    expect(() => new Webhook(current).verify(body, { ...headers, 'webhook-timestamp': String(ts - 1) })).toThrow();
  });

  it('refuses to sign without a secret or with a fractional timestamp', () => {
    expect(() => signWebhook({ id: 'x', timestamp: 1, body, secrets: [] })).toThrow(/secret/);
    expect(() => signWebhook({ id: 'x', timestamp: 1.5, body, secrets: [current] })).toThrow(/timestamp/);
  });
});
