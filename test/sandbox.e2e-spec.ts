import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactSign, exportJWK, generateKeyPair, JWK, KeyLike } from 'jose';
import { Webhook } from 'standardwebhooks';
import { startSandbox, Sandbox } from '../sandbox/server';
import { canonicalJson, sha256Hex } from '../src/signing/canonical';

// The sandbox against a stand-in gateway (JWKS and the feedback endpoint) over real local HTTP.

const PLATFORM_SECRET = 'whsec_' + Buffer.from('platform-test-secret-0123456789').toString('base64');
const AGENCY_SECRET = 'whsec_' + Buffer.from('agency-test-secret-abcdefghijkl').toString('base64');
const OTHER_SECRET = 'whsec_' + Buffer.from('someone-else-secret-abcdefghijk').toString('base64');
const CLIENT_ID = 'test-client';

interface Gateway {
  url: string;
  jwks: { keys: JWK[] };
  jwksFetches: number;
  feedback: { authorization?: string; body: any }[];
  /** What /health says the gateway's clock reads; null: the system time, as on a gateway without a simulated clock. */
  clockNow: string | null;
  server: Server;
}

let gateway: Gateway;
let sandbox: Sandbox;
const keys: Record<string, { privateKey: KeyLike }> = {};
let msg = 0;

async function addKey(kid: string): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  keys[kid] = { privateKey };
  gateway.jwks.keys.push({ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c)).on('end', () => resolve(text));
  });
}

async function startGateway(): Promise<Gateway> {
  const g = { jwks: { keys: [] as JWK[] }, jwksFetches: 0, feedback: [] as Gateway['feedback'], clockNow: null } as Gateway;
  g.server = createServer(async (req, res) => {
    const text = await readBody(req);
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/jwks.json') {
      g.jwksFetches++;
      return res.end(JSON.stringify(g.jwks));
    }
    if (req.url === '/health') {
      const clock = g.clockNow ? { mode: 'simulated', now: g.clockNow } : { mode: 'system', now: new Date().toISOString() };
      return res.end(JSON.stringify({ status: 'ok', details: { clock: { status: 'up', ...clock } } }));
    }
    if (req.method === 'POST' && req.url === '/v1/feedback') {
      g.feedback.push({ authorization: req.headers.authorization, body: JSON.parse(text) });
      res.statusCode = 201;
      return res.end(JSON.stringify({ id: `fb-${g.feedback.length}` }));
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => g.server.listen(0, '127.0.0.1', resolve));
  g.url = `http://127.0.0.1:${(g.server.address() as AddressInfo).port}`;
  return g;
}

function record(recordId: string, version = 1, event = 'sanction.issued') {
  return {
    recordId,
    version,
    event,
    subject: { uscc: '91441600MA4UKXXX1X', name: '河源某水泥有限公司' },
    measures: ['funding_support', 'land_supply'],
    issuedAt: '2025-06-01T12:00:00+08:00',
  };
}

async function item(rec: ReturnType<typeof record>, kid = 'k1') {
  const jws = await new CompactSign(Buffer.from(canonicalJson(rec)))
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'sanction-record+jws' })
    .sign(keys[kid].privateKey);
  return { type: rec.event, record: rec, jws };
}

function signed(secret: string, raw: string, at = new Date(), id = `msg_${++msg}`): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, raw),
  };
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const raw = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(sandbox.url + path, {
    method,
    body: raw,
    headers: raw === undefined ? headers : { 'content-type': 'application/json', ...headers },
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function batch(items: unknown[], opts: { secret?: string; clientId?: string; at?: Date } = {}) {
  const raw = JSON.stringify({ source: 'gateway-test', items });
  const headers = { 'x-client-id': opts.clientId ?? CLIENT_ID, ...signed(opts.secret ?? PLATFORM_SECRET, raw, opts.at) };
  return call('POST', '/platform/v1/records:batch', raw, headers);
}

async function listing(query: string) {
  return call('GET', `/platform/v1/records?${query}`, undefined, { 'x-client-id': CLIENT_ID, ...signed(PLATFORM_SECRET, '') });
}

async function push(agency: string, body: unknown, headers?: Record<string, string>) {
  const raw = JSON.stringify(body);
  return call('POST', `/agencies/${agency}/webhook`, raw, headers ?? signed(AGENCY_SECRET, raw));
}

beforeAll(async () => {
  gateway = await startGateway();
  await addKey('k1');
  sandbox = await startSandbox({ port: 0, gatewayUrl: gateway.url, platform: { clientId: CLIENT_ID, secret: PLATFORM_SECRET } });
});

afterAll(async () => {
  await sandbox?.close();
  await new Promise((resolve) => gateway?.server.close(resolve));
});

beforeEach(async () => {
  expect((await call('POST', '/control/reset')).status).toBe(200);
});

describe('platform batch', () => {
  it('accepts a signed record once, keeps the newest version and stores its content hash', async () => {
    const v1 = await item(record('R-001'));
    const v2 = await item(record('R-001', 2, 'sanction.revoked'));
    expect((await batch([v1])).body.results).toEqual([{ recordId: 'R-001', version: 1, status: 'accepted' }]);
    expect((await batch([v1])).body.results[0].status).toBe('duplicate');
    expect((await batch([v2])).body.results[0].status).toBe('accepted');
    expect((await batch([v1])).body.results[0].status).toBe('duplicate');

    const held = await call('GET', '/control/platform/records/R-001');
    expect(held.body).toMatchObject({ version: 2, status: 'revoked', contentHash: sha256Hex(canonicalJson(v2.record)), jws: v2.jws });
    const stats = (await call('GET', '/control/stats')).body.endpoints['platform-batch'];
    expect(stats).toMatchObject({ requests: 4, accepted: 2, duplicates: 2, rejected: 0 });
  });

  it('rejects a record that differs from what was signed, naming the reason', async () => {
    const good = await item(record('R-002'));
    const tampered = { ...good, record: { ...good.record, measures: ['land_supply'] } };
    const [result] = (await batch([tampered])).body.results;
    expect(result).toMatchObject({ recordId: 'R-002', status: 'rejected' });
    expect(result.reason).toMatch(/differs from the signed payload/);
    expect((await call('GET', '/control/platform/records/R-002')).status).toBe(404);
  });

  it('fetches the JWKS again for a kid it has not seen, as after a key rotation', async () => {
    expect((await batch([await item(record('R-003'))])).body.results[0].status).toBe('accepted');
    const before = gateway.jwksFetches;
    await addKey('k2');
    expect((await batch([await item(record('R-004'), 'k2')])).body.results[0].status).toBe('accepted');
    expect(gateway.jwksFetches).toBe(before + 1);
  });

  it('answers 503 and stores nothing while the JWKS cannot be read', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    expect((await call('PUT', '/control/gateway', { url: deadUrl })).status).toBe(200);
    try {
      expect((await batch([await item(record('R-006'))])).status).toBe(503);
    } finally {
      sandbox.setGatewayUrl(gateway.url);
    }
    expect((await call('GET', '/control/stats')).body.platform.records).toBe(0);
  });

  it('answers 401 for a wrong client id, a wrong secret, missing headers or a stale timestamp', async () => {
    const it1 = await item(record('R-005'));
    expect((await batch([it1], { clientId: 'intruder' })).status).toBe(401);
    expect((await batch([it1], { secret: OTHER_SECRET })).status).toBe(401);
    expect((await batch([it1], { at: new Date(Date.now() - 6 * 60_000) })).status).toBe(401);
    const bare = await call('POST', '/platform/v1/records:batch', { source: 's', items: [it1] }, { 'x-client-id': CLIENT_ID });
    expect(bare).toMatchObject({ status: 401, body: { statusCode: 401, error: 'Unauthorized' } });
    expect((await call('GET', '/control/stats')).body.platform.records).toBe(0);
  });
});

describe('platform listing', () => {
  it('pages in recordId order with a keyset cursor and filters by updatedAfter', async () => {
    const ids = ['R-07', 'R-03', 'R-01', 'R-06', 'R-02', 'R-05', 'R-04'];
    const items = ids.map((recordId, i) => ({
      recordId,
      version: 1,
      contentHash: sha256Hex(recordId),
      status: i % 2 ? 'revoked' : 'active',
      updatedAt: `2025-06-0${i + 1}T00:00:00Z`,
    }));
    expect((await call('POST', '/control/platform/seed', { items })).body.seeded).toBe(7);

    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 5; page++) {
      const res = await listing(`limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: { recordId: string }) => i.recordId));
      if (!res.body.nextCursor) break;
      cursor = res.body.nextCursor;
    }
    expect(seen).toEqual([...ids].sort());
    const first = (await listing('limit=1')).body.items[0];
    expect(first).toEqual({ recordId: 'R-01', version: 1, contentHash: sha256Hex('R-01'), status: 'active' });

    const recent = await listing('updatedAfter=2025-06-05T00:00:00Z');
    expect(recent.body.items.map((i: { recordId: string }) => i.recordId)).toEqual(['R-04', 'R-05']);
    expect(recent.body.nextCursor).toBeNull();
    expect((await listing('limit=0')).status).toBe(400);
  });

  it('can list in a shuffled order that repeats items across pages, as a listing by update time may', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `R-${String(i).padStart(2, '0')}`);
    await call('POST', '/control/platform/seed', { items: ids.map((recordId) => ({ recordId, version: 1, contentHash: sha256Hex(recordId), status: 'active' })) });
    const readAll = async () => {
      const seen: string[] = [];
      let cursor = '';
      for (let page = 0; page < 100; page++) {
        const res = await listing(`limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(7);
        seen.push(...res.body.items.map((i: { recordId: string }) => i.recordId));
        if (!res.body.nextCursor) return seen;
        cursor = res.body.nextCursor;
      }
      throw new Error('the listing did not end');
    };
    expect((await call('PUT', '/control/platform/listing', { order: 'shuffled', repeat: 0.3, seed: 5 })).body).toEqual({ order: 'shuffled', repeat: 0.3, seed: 5 });
    const shuffled = await readAll();
    expect([...new Set(shuffled)].sort()).toEqual(ids);
    expect(shuffled.length).toBeGreaterThan(ids.length);
    expect([...new Set(shuffled)]).not.toEqual(ids);
    // The same seed lists in the same order.
    expect(await readAll()).toEqual(shuffled);
    expect((await listing('cursor=R-05')).status).toBe(400);
    for (const bad of [{ order: 'random' }, { order: 'shuffled', repeat: 1 }, { order: 'shuffled', seed: 1.5 }, { order: 'shuffled', extra: true }]) {
      expect((await call('PUT', '/control/platform/listing', bad)).status).toBe(400);
    }
    // A reset returns to recordId order.
    await call('POST', '/control/reset');
    expect((await call('GET', '/control/platform/listing')).body).toEqual({ order: 'recordId', repeat: 0, seed: 1 });
  });
});

describe('agency receivers', () => {
  beforeEach(async () => {
    const res = await call('PUT', '/control/agencies/finance', { domains: ['funding_support'], secrets: [AGENCY_SECRET] });
    expect(res.body).toMatchObject({ name: 'finance', secrets: 1 });
  });

  it('verifies the push and its JWS, and counts a redelivered webhook-id once', async () => {
    const body = await item(record('R-101'));
    const raw = JSON.stringify(body);
    const headers = signed(AGENCY_SECRET, raw);
    expect(await push('finance', body, headers)).toMatchObject({ status: 200, body: { duplicate: false, verified: true } });
    expect(await push('finance', body, headers)).toMatchObject({ status: 200, body: { duplicate: true } });

    const received = (await call('GET', '/control/agencies/finance/received')).body;
    expect(received.count).toBe(1);
    expect(received.items[0]).toMatchObject({
      webhookId: headers['webhook-id'], type: 'sanction.issued', recordId: 'R-101', version: 1, verified: true, deliveries: 2,
    });
    expect((await call('GET', '/control/stats')).body.endpoints['agency-finance']).toMatchObject({ requests: 2, accepted: 1, duplicates: 1 });
  });

  it('refuses bad signatures (401) and missing headers (400), and marks a forged JWS unverified', async () => {
    const body = await item(record('R-102'));
    expect((await push('finance', body, signed(OTHER_SECRET, JSON.stringify(body)))).status).toBe(401);
    expect((await push('finance', body, {})).status).toBe(400);
    expect((await push('nobody', body)).status).toBe(404);

    const forged = { ...body, record: { ...body.record, version: 9 } };
    expect((await push('finance', forged)).body.verified).toBe(false);
    const [receipt] = (await call('GET', '/control/agencies/finance/received')).body.items;
    expect(receipt).toMatchObject({ recordId: 'R-102', version: 9, verified: false });
    expect(receipt.reason).toMatch(/differs/);
  });

  it('posts feedback for each received record to the gateway with the agency key', async () => {
    await push('finance', await item(record('R-103')));
    await push('finance', await item(record('R-104')));
    const before = gateway.feedback.length;
    const res = await call('POST', '/control/agencies/finance/feedback', { apiKey: 'agency-key', occurredOn: '2025-06-02', note: 'loan frozen' });
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([201, 201]);
    const sent = gateway.feedback.slice(before);
    expect(sent.map((f) => f.authorization)).toEqual(['Bearer agency-key', 'Bearer agency-key']);
    expect(sent.map((f) => f.body.recordId).sort()).toEqual(['R-103', 'R-104']);
    expect(sent[0].body).toMatchObject({ domain: 'funding_support', action: 'restriction_applied', occurredOn: '2025-06-02', note: 'loan frozen' });
    expect((await call('POST', '/control/agencies/finance/feedback', {})).status).toBe(400);
  });
});

describe('a gateway on a simulated clock', () => {
  afterEach(() => {
    gateway.clockNow = null;
  });

  it('judges push timestamps and dates feedback by the gateway\'s time, read again when a push looks off', async () => {
    const simulated = new Date('2030-01-01T04:00:00Z');
    gateway.clockNow = simulated.toISOString();
    const body = await item(record('R-501'));
    const raw = JSON.stringify(body);
    const accepted = await push('finance', body, signed(AGENCY_SECRET, raw, simulated));
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ received: true, verified: true });
    // The system clock is years away from the gateway's now: a push stamped with it is refused.
    const stale = await push('finance', await item(record('R-502')), signed(AGENCY_SECRET, JSON.stringify(await item(record('R-502')))));
    expect(stale.status).toBe(401);
    expect(stale.body.message).toContain('webhook-timestamp');
    const before = gateway.feedback.length;
    await call('POST', '/control/agencies/finance/feedback', { apiKey: 'agency-key', recordId: 'R-501' });
    expect(gateway.feedback.slice(before).map((f) => f.body.occurredOn)).toEqual(['2030-01-01']);
  });
});

describe('fault injection', () => {
  afterEach(async () => {
    for (const endpoint of ['platform-batch', 'platform-list', 'agency-finance']) await call('DELETE', `/control/faults/${endpoint}`);
  });

  it('answers an injected error with a chosen status and stores nothing', async () => {
    expect((await call('PUT', '/control/faults/platform-batch', { errorRate: 1, statusCodes: [503] })).status).toBe(200);
    const res = await batch([await item(record('R-201'))]);
    expect(res).toMatchObject({ status: 503, body: { statusCode: 503 } });
    expect((await call('DELETE', '/control/faults/platform-batch')).body.cleared).toBe(true);
    expect((await batch([await item(record('R-201'))])).body.results[0].status).toBe('accepted');
    expect((await call('GET', '/control/stats')).body.endpoints['platform-batch'].faults.errors).toBe(1);
  });

  it('accepts and then forgets, leaving a gap in the listing', async () => {
    await call('PUT', '/control/faults/platform-batch', { forgetRate: 1 });
    expect((await batch([await item(record('R-202'))])).body.results[0].status).toBe('accepted');
    expect((await listing('')).body.items).toEqual([]);
  });

  it('draws the same faults for the same seed', async () => {
    const items = await Promise.all(Array.from({ length: 40 }, (_, i) => item(record(`R-3${String(i).padStart(2, '0')}`))));
    const run = async () => {
      await call('POST', '/control/reset');
      await call('PUT', '/control/faults/platform-batch', { rejectRate: 0.5, seed: 42 });
      return (await batch(items)).body.results.map((r: { status: string }) => r.status);
    };
    const first = await run();
    expect(first).toEqual(await run());
    const injected = first.filter((s: string) => s === 'rejected').length;
    expect(injected).toBeGreaterThan(0);
    expect(injected).toBeLessThan(40);
    expect((await call('GET', '/control/stats')).body.endpoints['platform-batch'].faults.rejected).toBe(injected);
  });

  it('delays answers and can leave a request unanswered', async () => {
    await call('PUT', '/control/faults/platform-list', { latencyMs: 300 });
    const started = Date.now();
    expect((await listing('')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    await call('PUT', '/control/faults/platform-list', { timeoutRate: 1 });
    const hang = fetch(`${sandbox.url}/platform/v1/records`, { signal: AbortSignal.timeout(500) });
    await expect(hang).rejects.toThrow();
    expect((await call('GET', '/control/stats')).body.endpoints['platform-list'].faults.timeouts).toBe(1);
  });

  it('refuses an invalid fault naming the field', async () => {
    const res = await call('PUT', '/control/faults/platform-batch', { errorRate: 2 });
    expect(res).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^errorRate/) } });
  });
});

describe('reset', () => {
  it('clears held records, receipts and counters', async () => {
    await batch([await item(record('R-401'))]);
    expect((await call('GET', '/control/platform/records')).body.total).toBe(1);
    await call('POST', '/control/reset');
    const stats = (await call('GET', '/control/stats')).body;
    expect(stats.platform.records).toBe(0);
    expect(stats.endpoints).toEqual({});
    expect((await call('GET', '/control/platform/records')).body.items).toEqual([]);
  });
});
