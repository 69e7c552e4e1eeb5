import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { startSandbox, Sandbox } from '../sandbox/server';
import { verifyRecordsFile } from '../src/cli/signing.commands';
import { signWebhook } from '../src/delivery/webhook-signature';
import { Checkpointer } from '../src/ledger/checkpointer.service';
import { SigningService } from '../src/signing/signing.service';
import { verifyCheckpointJws } from '../src/signing/verify';
import { startTestApp, TestApp } from './support/app';
import { ISSUE_AT_ONCE, issueRecords } from './support/ledger-fixtures';

const SECRET = 'whsec_' + Buffer.alloc(32, 5).toString('base64');

describe('two instances on one database, each with its own key folder', () => {
  let dir: string;
  let a: TestApp;
  let b: TestApp;
  let sandbox: Sandbox;
  const lines: Array<Record<string, unknown>> = [];
  const print = (v: unknown) => lines.push(v as Record<string, unknown>);
  const current = async (t: TestApp, recordId: string) => {
    const operator = await t.key({ role: 'operator' });
    return (await t.request('GET', `/v1/records/${recordId}`, { key: operator })).body as { record: Record<string, unknown>; jws: string };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-instances-'));
    sandbox = await startSandbox({ port: 0, platform: { clientId: 'heyuan-test', secret: SECRET }, now: () => a.clock.now() });
    a = await startTestApp({ ...ISSUE_AT_ONCE, signing: { keyDir: join(dir, 'a') } });
    b = await startTestApp({ ...ISSUE_AT_ONCE, signing: { keyDir: join(dir, 'b') } }, undefined, a);
    sandbox.setGatewayUrl(b.baseUrl);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => (lines.length = 0));

  it('publishes one JWKS on both, and each verifies what the other signed', async () => {
    const kidA = a.app.get(SigningService).activeKid();
    const kidB = b.app.get(SigningService).activeKid();
    expect(kidA).not.toBe(kidB);
    const [jwksA, jwksB] = [(await a.request('GET', '/.well-known/jwks.json')).body, (await b.request('GET', '/.well-known/jwks.json')).body];
    expect(jwksA).toEqual(jwksB);
    expect(jwksA.keys.map((k: { kid: string }) => k.kid)).toEqual(expect.arrayContaining([kidA, kidB]));

    const [fromA] = await issueRecords(a, 1, 1);
    const [fromB] = await issueRecords(b, 2, 1);
    const signedA = await current(b, fromA);
    const signedB = await current(a, fromB);
    expect(decodeProtectedHeader(signedA.jws).kid).toBe(kidA);
    expect(decodeProtectedHeader(signedB.jws).kid).toBe(kidB);
    await writeFile(join(dir, 'a.json'), JSON.stringify(signedA));
    await writeFile(join(dir, 'b.json'), JSON.stringify(signedB));
    expect(await verifyRecordsFile(join(dir, 'a.json'), `${b.baseUrl}/.well-known/jwks.json`, print)).toBe(0);
    expect(await verifyRecordsFile(join(dir, 'b.json'), `${a.baseUrl}/.well-known/jwks.json`, print)).toBe(0);

    // One log: a checkpoint signed by either covers both, and either serves the proofs.
    const checkpoint = (await b.request('POST', '/v1/ledger/checkpoint', { key: await b.key({ role: 'operator' }) })).body;
    expect(checkpoint.treeSize).toBe(2);
    expect((await a.request('GET', '/v1/ledger/checkpoint')).body.rootHash).toBe(checkpoint.rootHash);
    expect((await a.request('GET', '/v1/ledger/proofs/inclusion?seq=2')).body.treeSize).toBe(2);
  });

  it('refuses, at record:verify and at the platform double, what a revoked key signed after its instant', async () => {
    const signing = a.app.get(SigningService);
    const kid = signing.activeKid();
    const [honestId] = await issueRecords(a, 3, 1);
    const honest = await current(a, honestId);
    a.clock.advance(60_000);
    b.clock.set(a.clock.now());
    // Compromised at this instant: a forger holding the key dates a record after it.
    const at = a.clock.now();
    const forgedRecord = { ...honest.record, version: 2, event: 'sanction.amended', issuedAt: new Date(at.getTime() + 1000).toISOString(), measures: [] };
    const forged = await signing.signRecord(forgedRecord);
    expect(decodeProtectedHeader(forged).kid).toBe(kid);
    await b.app.get(SigningService).revoke(kid, at, 'test');

    await writeFile(join(dir, 'honest.json'), JSON.stringify(honest));
    await writeFile(join(dir, 'forged.json'), JSON.stringify({ record: forgedRecord, jws: forged }));
    expect(await verifyRecordsFile(join(dir, 'honest.json'), `${b.baseUrl}/.well-known/jwks.json`, print)).toBe(0);
    expect(await verifyRecordsFile(join(dir, 'forged.json'), `${b.baseUrl}/.well-known/jwks.json`, print)).toBe(1);
    expect(lines[1].error).toContain(`key "${kid}" was revoked at ${at.toISOString()}`);

    const body = JSON.stringify({
      source: 'test',
      items: [
        { type: 'sanction.issued', record: honest.record, jws: honest.jws },
        { type: 'sanction.amended', record: forgedRecord, jws: forged },
      ],
    });
    const headers = signWebhook({ id: 'msg_1', timestamp: Math.floor(a.clock.now().getTime() / 1000), body, secrets: [SECRET] });
    const res = await fetch(`${sandbox.platformUrl}/v1/records:batch`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'x-client-id': 'heyuan-test' }, body });
    const { results } = (await res.json()) as { results: Array<Record<string, unknown>> };
    expect(results[0]).toMatchObject({ status: 'accepted' });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: expect.stringContaining(`key "${kid}" was revoked`) });

    // Checkpoints it signed after the instant are signed again with a valid key, so pushes and the log go on.
    const checkpoint = await a.app.get(Checkpointer).covering(1);
    expect(decodeProtectedHeader(checkpoint.jws).kid).not.toBe(kid);
    await expect(verifyCheckpointJws(checkpoint.jws, (await b.request('GET', '/.well-known/jwks.json')).body, checkpoint)).resolves.toBeTruthy();
    expect((await b.request('POST', '/v1/ledger/checkpoint', { key: await b.key({ role: 'operator' }) })).status).toBe(200);
    expect((await b.request('GET', '/health')).status).toBe(200);

    // The instance that held the key signs its next record with a new one, which every instance publishes.
    const [nextId] = await issueRecords(a, 4, 1);
    const next = await current(b, nextId);
    expect(decodeProtectedHeader(next.jws).kid).not.toBe(kid);
    await writeFile(join(dir, 'next.json'), JSON.stringify(next));
    expect(await verifyRecordsFile(join(dir, 'next.json'), `${b.baseUrl}/.well-known/jwks.json`, print)).toBe(0);
  });
});
