import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign, JSONWebKeySet } from 'jose';
import { DataSource } from 'typeorm';
import { startSandbox, Sandbox } from '../sandbox/server';
import { verifyLedger, verifyRecordsFile } from '../src/cli/signing.commands';
import { entryLeafHash, LedgerEntry } from '../src/ledger/ledger-entry';
import { CompactRange, fromHex, toHex, verifyConsistency, verifyInclusion } from '../src/ledger/merkle/merkle';
import { TransparencyRepository } from '../src/ledger/transparency.repository';
import { verifyPushedBody } from '../src/ledger/verify-push';
import { canonicalJson, ledgerEntryHash } from '../src/signing/canonical';
import { startTestApp, TestApp } from './support/app';
import { eventually } from './support/delivery-fixtures';
import { ISSUE_AT_ONCE, issueRecords } from './support/ledger-fixtures';

const SECRET = 'whsec_' + Buffer.alloc(32, 9).toString('base64');

describe('transparency log', () => {
  let sandbox: Sandbox;
  let t: TestApp;
  let operator: string;
  let dir: string;
  let db: DataSource;
  const lines: unknown[] = [];
  const print = (v: unknown) => lines.push(v);
  const jwks = async () => (await t.request('GET', '/.well-known/jwks.json')).body as JSONWebKeySet;
  const entries = async (): Promise<LedgerEntry[]> => (await t.request('GET', '/v1/ledger?limit=5000', { key: operator })).body.items;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-transparency-'));
    sandbox = await startSandbox({ port: 0, platform: { clientId: 'heyuan-test', secret: SECRET }, now: () => t.clock.now() });
    t = await startTestApp({
      ...ISSUE_AT_ONCE,
      creditPlatform: { url: sandbox.platformUrl, clientId: 'heyuan-test', secret: SECRET },
      // Checkpoints here come from pushes and explicit calls only, so tampering below races with nothing.
      ledger: { checkpointIntervalMs: 60_000 },
    });
    sandbox.setGatewayUrl(t.baseUrl);
    db = t.app.get(DataSource);
    operator = await t.key({ role: 'operator' });
    const admin = await t.key({ role: 'admin' });
    const sub = await t.request('POST', '/v1/subscriptions', { key: admin, body: { agency: 'land', domains: ['land_supply'], url: `${sandbox.url}/agencies/land/webhook` } });
    expect(sub.status).toBe(201);
    const registered = await fetch(`${sandbox.url}/control/agencies/land`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domains: ['land_supply'], secrets: [sub.body.secret] }),
    });
    expect(registered.status).toBe(200);
    await issueRecords(t, 1, 3);
    await issueRecords(t, 10, 2);
  });
  afterAll(async () => {
    await t.close();
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => (lines.length = 0));

  it('pushes carry inclusion proofs that the sandbox agency and platform verify, and that verify offline with the JWKS alone', async () => {
    const receipts = await eventually(
      async () => [...sandbox.agencies.get('land')!.received.values()],
      (r) => r.length === 5,
    );
    expect(receipts.every((r) => r.verified && r.proven)).toBe(true);
    await eventually(async () => sandbox.platform.bodies.size, (n) => n === 5);
    const body = [...sandbox.platform.bodies.values()][0] as unknown as Record<string, any>;
    expect(body.inclusion).toEqual({
      checkpoint: { treeSize: expect.any(Number), rootHash: expect.stringMatching(/^[0-9a-f]{64}$/), timestamp: expect.any(String), jws: expect.any(String) },
      leafIndex: body.record.ledger.seq - 1,
      auditPath: expect.any(Array),
    });
    await expect(verifyPushedBody(body, await jwks())).resolves.toMatchObject({ recordId: body.record.recordId });
    // The same check from the command line, as an agency would run it on a saved push.
    await writeFile(join(dir, 'push.json'), JSON.stringify(body));
    await writeFile(join(dir, 'jwks.json'), JSON.stringify(await jwks()));
    expect(await verifyRecordsFile(join(dir, 'push.json'), join(dir, 'jwks.json'), print)).toBe(0);
    expect(lines).toEqual([{ recordId: body.record.recordId, version: 1, ok: true, inclusion: { treeSize: body.inclusion.checkpoint.treeSize } }]);
    // A proof for another leaf, or an edited record, does not pass.
    const other = { ...body, inclusion: { ...body.inclusion, leafIndex: body.inclusion.leafIndex === 0 ? 1 : 0 } };
    await expect(verifyPushedBody(other, await jwks())).rejects.toThrow('inclusion.leafIndex');
    const bent = { ...body, inclusion: { ...body.inclusion, auditPath: [...body.inclusion.auditPath].reverse().concat('0'.repeat(64)) } };
    await expect(verifyPushedBody(bent, await jwks())).rejects.toThrow('does not lead from');
  });

  it('serves checkpoints and proofs that an independent computation over the entries confirms', async () => {
    const made = await t.request('POST', '/v1/ledger/checkpoint', { key: operator });
    expect(made.status).toBe(200);
    const all = await entries();
    expect(made.body.treeSize).toBe(all.length);
    const checkpoint = (await t.request('GET', '/v1/ledger/checkpoint')).body;
    expect(checkpoint).toEqual({ ...made.body, cosignatures: [] });
    const tree = new CompactRange();
    const roots: string[] = [];
    for (const e of all) {
      tree.append(entryLeafHash(e));
      roots.push(toHex(tree.root()));
    }
    expect(checkpoint.rootHash).toBe(roots[all.length - 1]);
    for (const e of all) {
      const proof = await t.request('GET', `/v1/ledger/proofs/inclusion?seq=${e.seq}`);
      expect(proof.body).toMatchObject({ seq: e.seq, leafIndex: e.seq - 1, treeSize: all.length });
      expect(verifyInclusion(entryLeafHash(e), e.seq - 1, all.length, proof.body.auditPath.map(fromHex), fromHex(checkpoint.rootHash)!)).toBe(true);
    }
    // Every earlier checkpoint is kept and proven consistent with the newest.
    const earlier: Array<{ tree_size: string }> = await db.query('SELECT tree_size FROM ledger_checkpoints WHERE tree_size > 0 ORDER BY tree_size');
    expect(earlier.length).toBeGreaterThanOrEqual(2);
    for (const { tree_size } of earlier) {
      const old = (await t.request('GET', `/v1/ledger/checkpoint?treeSize=${tree_size}`)).body;
      expect(old.rootHash).toBe(roots[old.treeSize - 1]);
      const c = (await t.request('GET', `/v1/ledger/proofs/consistency?from=${old.treeSize}&to=${all.length}`)).body;
      expect(verifyConsistency(old.treeSize, all.length, fromHex(old.rootHash)!, fromHex(checkpoint.rootHash)!, c.proof.map(fromHex))).toBe(true);
    }
    expect((await t.request('GET', '/v1/ledger/proofs/inclusion?seq=0')).body.message).toContain('seq');
    expect((await t.request('GET', `/v1/ledger/proofs/inclusion?seq=1&treeSize=${all.length + 1}`)).body).toMatchObject({ statusCode: 400, message: expect.stringContaining('treeSize') });
    expect((await t.request('GET', '/v1/ledger/proofs/consistency?from=3&to=2')).body).toMatchObject({ statusCode: 400, message: expect.stringContaining('from') });
    expect((await t.request('GET', '/v1/ledger/checkpoint?treeSize=999')).status).toBe(404);
  });

  it('publishes a witness countersignature of a stored checkpoint, and refuses one of another tree', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    await t.app.get(TransparencyRepository).saveWitness('province', { ...(publicKey.export({ format: 'jwk' }) as { x: string }), kty: 'OKP', crv: 'Ed25519', kid: 'province-1', alg: 'EdDSA', use: 'sig' }, t.clock.now());
    const checkpoint = (await t.request('GET', '/v1/ledger/checkpoint')).body;
    const cosign = (payload: object) =>
      new CompactSign(Buffer.from(canonicalJson(payload))).setProtectedHeader({ alg: 'EdDSA', kid: 'province-1', typ: 'ledger-checkpoint+jws' }).sign(privateKey);
    const fields = { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, timestamp: checkpoint.timestamp };
    const good = await cosign(fields);
    const res = await t.request('POST', '/v1/ledger/checkpoint/cosignatures', { body: { witness: 'province', jws: good } });
    expect(res.status).toBe(201);
    expect((await t.request('GET', '/v1/ledger/checkpoint')).body.cosignatures).toEqual([{ witness: 'province', jws: good }]);
    const forked = await t.request('POST', '/v1/ledger/checkpoint/cosignatures', { body: { witness: 'province', jws: await cosign({ ...fields, rootHash: 'a'.repeat(64) }) } });
    expect(forked.status).toBe(409);
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const forged = await new CompactSign(Buffer.from(canonicalJson(fields))).setProtectedHeader({ alg: 'EdDSA', kid: 'province-1', typ: 'ledger-checkpoint+jws' }).sign(stranger);
    expect((await t.request('POST', '/v1/ledger/checkpoint/cosignatures', { body: { witness: 'province', jws: forged } })).status).toBe(400);
    expect((await t.request('POST', '/v1/ledger/checkpoint/cosignatures', { body: { witness: 'nobody', jws: good } })).status).toBe(404);
  });

  describe('tampering in the database', () => {
    let held: string;
    let count: number;

    beforeAll(async () => {
      const checkpoint = (await t.request('POST', '/v1/ledger/checkpoint', { key: operator })).body;
      count = checkpoint.treeSize;
      held = join(dir, 'checkpoint.json');
      await writeFile(held, JSON.stringify(checkpoint));
      await db.query('CREATE TABLE kept_entries AS SELECT * FROM ledger_entries');
      await db.query('CREATE TABLE kept_versions AS SELECT * FROM record_versions');
    });
    const restore = async () => {
      await db.query('DELETE FROM ledger_entries');
      await db.query('INSERT INTO ledger_entries SELECT * FROM kept_entries');
      await db.query('UPDATE record_versions v SET jws = k.jws FROM kept_versions k WHERE k.record_id = v.record_id AND k.version = v.version');
      await db.query('UPDATE ledger_head SET seq = e.seq, hash = e.hash FROM (SELECT seq, hash FROM ledger_entries ORDER BY seq DESC LIMIT 1) e');
    };
    const verify = () => verifyLedger({ from: t.baseUrl, key: operator, checkpoint: held }, print);
    /** Rewrites the entries from `seq` on with hashes recomputed, as a careful forger would. */
    const rechain = async (from: number) => {
      const rows = (await entries()).filter((e) => e.seq >= from - 1);
      let prev = rows[0];
      for (const e of rows.slice(1)) {
        const fields = { ...e, prevHash: prev.hash };
        const fixed = { ...fields, hash: ledgerEntryHash(fields) };
        await db.query('UPDATE ledger_entries SET prev_hash = $2, hash = $3 WHERE seq = $1', [e.seq, fixed.prevHash, fixed.hash]);
        prev = fixed;
      }
      await db.query('UPDATE ledger_head SET hash = $1', [prev.hash]);
    };

    afterEach(restore);

    it('verifies the untouched log against the checkpoint held', async () => {
      expect(await verify()).toBe(0);
      expect(lines[0]).toMatchObject({ ok: true, count, recordsVerified: count, checkpoint: { treeSize: count, consistent: true } });
    });

    it('catches an edited entry, whether its chain was left broken or recomputed', async () => {
      await db.query(`UPDATE ledger_entries SET record_hash = repeat('f', 64) WHERE seq = 2`);
      expect(await verify()).toBe(1);
      await restore();
      // The last entry re-dated with its hash recomputed: the chain holds and so do the records, the tree does not.
      await db.query(`UPDATE ledger_entries SET appended_at = appended_at + interval '1 day' WHERE seq = $1`, [count]);
      await rechain(count);
      expect(await verify()).toBe(1);
      expect(lines).toEqual([
        { ok: false, brokenAt: 2, reason: "hash does not match the entry's contents" },
        { ok: false, brokenAt: count, reason: expect.stringContaining('is not an extension of the checkpoint held') },
      ]);
    });

    it('catches an edited record', async () => {
      const [v] = await db.query('SELECT record_id, version, jws FROM record_versions ORDER BY ledger_seq LIMIT 1');
      const [h, p, s] = (v.jws as string).split('.');
      const record = JSON.parse(Buffer.from(p, 'base64url').toString());
      const edited = Buffer.from(canonicalJson({ ...record, measures: [] })).toString('base64url');
      await db.query('UPDATE record_versions SET jws = $3 WHERE record_id = $1 AND version = $2', [v.record_id, v.version, `${h}.${edited}.${s}`]);
      expect(await verify()).toBe(1);
      expect(lines[0]).toEqual({ ok: false, brokenAt: 1, reason: 'entry 1: its record jws: signature verification failed' });
    });

    it('catches a deleted entry and reordered entries', async () => {
      await db.query('DELETE FROM ledger_entries WHERE seq = 2');
      expect(await verify()).toBe(1);
      await restore();
      await db.query('UPDATE ledger_entries SET seq = -seq WHERE seq IN (2, 3)');
      await db.query('UPDATE ledger_entries SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END WHERE seq < 0');
      await rechain(2);
      expect(await verify()).toBe(1);
      expect(lines).toEqual([
        { ok: false, brokenAt: 2, reason: 'entry 2 is missing: seq 3 follows seq 1' },
        { ok: false, brokenAt: 2, reason: 'entry 2: its record names another place in the ledger' },
      ]);
    });

    it('catches a truncated history, and the gateway halts its own signing until the log is whole again', async () => {
      await db.query('DELETE FROM ledger_entries WHERE seq > $1', [count - 3]);
      await db.query('UPDATE ledger_head SET seq = e.seq, hash = e.hash FROM (SELECT seq, hash FROM ledger_entries ORDER BY seq DESC LIMIT 1) e');
      expect(await verify()).toBe(1);
      expect(lines[0]).toEqual({ ok: false, brokenAt: count - 2, reason: `the log served has ${count - 3} entries, fewer than the ${count} the checkpoint held covers (history truncated)` });

      const refused = await t.request('POST', '/v1/ledger/checkpoint', { key: operator });
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ code: 'LEDGER_HALTED', message: expect.stringContaining('(truncated)') });
      const health = await t.request('GET', '/health');
      expect(health.status).toBe(503);
      expect(health.body.details.error.ledger).toMatchObject({ status: 'down', message: expect.stringContaining('(truncated)') });
      const alerts = await t.request('GET', '/v1/ops/alerts?kind=ledger.integrity', { key: operator });
      expect(alerts.body.items).toHaveLength(1);
      expect(alerts.body.items[0]).toMatchObject({ kind: 'ledger.integrity', target: 'ledger', details: { reason: expect.stringContaining('(truncated)') } });

      await restore();
      expect((await t.request('POST', '/v1/ledger/checkpoint', { key: operator })).status).toBe(200);
      expect((await t.request('GET', '/health')).status).toBe(200);
    });

    it('halts on a rewritten edge even when the chain was recomputed', async () => {
      await db.query(`UPDATE ledger_entries SET appended_at = appended_at + interval '1 day' WHERE seq = $1`, [count]);
      await rechain(count);
      const refused = await t.request('POST', '/v1/ledger/checkpoint', { key: operator });
      expect(refused.status).toBe(503);
      expect(refused.body.message).toContain(`ledger entry ${count} is missing or differs`);
    });
  });
});
