import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, JSONWebKeySet } from 'jose';
import { DataSource } from 'typeorm';
import { rotateKeys, verifyLedger, verifyRecordsFile } from '../src/cli/signing.commands';
import type { LedgerEntry } from '../src/ledger/ledger-entry';
import { LedgerService } from '../src/ledger/ledger.service';
import type { RecordDraft } from '../src/records/sanction-record';
import { canonicalJson } from '../src/signing/canonical';
import { KeyStore } from '../src/signing/key-store';
import { SigningService } from '../src/signing/signing.service';
import { startTestApp, TestApp } from './support/app';

const record = (n: number, version = 1) => ({
  recordId: `01JTESTRECORD${String(n).padStart(13, '0')}`,
  version,
  event: 'sanction.issued',
  subject: { uscc: '91441600MA4UXXXX1X', name: `河源市测试钢铁有限公司${n}` },
  measures: ['land_supply', 'financing_credit'],
  issuedAt: '2025-06-01T04:00:00.000Z',
});

describe('signing', () => {
  let t: TestApp;
  let dir: string;
  let signing: SigningService;
  const lines: unknown[] = [];
  const print = (v: unknown) => lines.push(v);
  const served = async () => (await t.request('GET', '/.well-known/jwks.json')).body as JSONWebKeySet;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-signing-'));
    // Own key directory: the rotations below must not touch the keys other suites share.
    t = await startTestApp({ signing: { keyDir: join(dir, 'keys') } });
    signing = t.app.get(SigningService);
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => (lines.length = 0));

  it('creates a key on first start and publishes only its public part, cacheable', async () => {
    const res = await t.request('GET', '/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d{3}/);
    expect(res.body.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: signing.activeKid(), alg: 'EdDSA', use: 'sig' }]);
    const files = await readdir(join(dir, 'keys'));
    const keyFile = `${signing.activeKid()}.json`;
    expect(files.sort()).toEqual([keyFile, 'active'].sort());
    expect((await stat(join(dir, 'keys', keyFile))).mode & 0o777).toBe(0o600);
  });

  it('signs a record that jose verifies against the served JWKS, and not once tampered', async () => {
    const jws = await signing.signRecord(record(1));
    const keys = createLocalJWKSet(await served());
    const { payload, protectedHeader } = await compactVerify(jws, keys);
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: signing.activeKid(), typ: 'sanction-record+jws' });
    expect(Buffer.from(payload).toString()).toBe(canonicalJson(record(1)));
    const [h, , s] = jws.split('.');
    const forged = Buffer.from(canonicalJson({ ...record(1), measures: [] })).toString('base64url');
    await expect(compactVerify(`${h}.${forged}.${s}`, keys)).rejects.toThrow('signature verification failed');
  });

  it('signs a batch exactly as one at a time', async () => {
    const records = Array.from({ length: 600 }, (_, i) => record(i));
    const batch = await signing.signRecords(records);
    expect(batch).toHaveLength(600);
    expect(batch[0]).toBe(await signing.signRecord(records[0]));
    expect(batch[599]).toBe(await signing.signRecord(records[599]));
    const { payload } = await compactVerify(batch[300], createLocalJWKSet(await served()));
    expect(JSON.parse(Buffer.from(payload).toString())).toEqual(records[300]);
  });

  it('rotates: both kids published, new signatures carry the new kid, old ones still verify', async () => {
    const before = signing.activeKid();
    const old = await signing.signRecord(record(2));
    const { kid } = await signing.rotate();
    expect(kid).not.toBe(before);
    expect(signing.activeKid()).toBe(kid);
    const jwks = await served();
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual([before, kid].sort());
    const fresh = await signing.signRecord(record(2));
    expect(decodeProtectedHeader(fresh).kid).toBe(kid);
    await compactVerify(fresh, createLocalJWKSet(jwks));
    await compactVerify(old, createLocalJWKSet(jwks));
  });

  it('picks up a rotation made by another process (the CLI) without restarting', async () => {
    const { kid } = await rotateKeys(join(dir, 'keys'));
    expect((await served()).keys.map((k) => k.kid)).toContain(kid);
    const [jws] = await signing.signRecords([record(3)]);
    expect(decodeProtectedHeader(jws).kid).toBe(kid);
  });

  it('makes exactly one first key when several processes open an empty directory at once', async () => {
    const fresh = join(dir, 'race');
    const stores = await Promise.all([1, 2, 3, 4].map(() => KeyStore.open(fresh)));
    const kids = new Set(stores.map((s) => s.active.kid));
    expect(kids.size).toBe(1);
    expect((await readdir(fresh)).filter((f) => f.endsWith('.json'))).toEqual([`${[...kids][0]}.json`]);
  });

  describe('record:verify', () => {
    it('verifies a served record, a pushed body and a versions list, with the JWKS from a file or the URL', async () => {
      const [a, b] = [record(10), record(10, 2)];
      const [ja, jb] = await signing.signRecords([a, b]);
      const jwksFile = join(dir, 'jwks.json');
      await writeFile(jwksFile, JSON.stringify(await served()));
      await writeFile(join(dir, 'one.json'), JSON.stringify({ record: a, jws: ja }));
      await writeFile(join(dir, 'push.json'), JSON.stringify({ type: 'sanction.issued', record: a, jws: ja }));
      await writeFile(join(dir, 'versions.json'), JSON.stringify({ items: [{ record: a, jws: ja }, { record: b, jws: jb }] }));

      expect(await verifyRecordsFile(join(dir, 'one.json'), jwksFile, print)).toBe(0);
      expect(await verifyRecordsFile(join(dir, 'push.json'), `${t.baseUrl}/.well-known/jwks.json`, print)).toBe(0);
      expect(await verifyRecordsFile(join(dir, 'versions.json'), jwksFile, print)).toBe(0);
      expect(lines).toEqual([
        { recordId: a.recordId, version: 1, ok: true },
        { recordId: a.recordId, version: 1, ok: true },
        { recordId: a.recordId, version: 1, ok: true },
        { recordId: a.recordId, version: 2, ok: true },
      ]);
    });

    it('fails with exit code 1 naming what failed', async () => {
      const a = record(11);
      const [ja] = await signing.signRecords([a]);
      const jwksFile = join(dir, 'jwks.json');
      await writeFile(jwksFile, JSON.stringify(await served()));
      await writeFile(join(dir, 'bad.json'), JSON.stringify({ items: [{ record: a, jws: ja }, { record: { ...a, measures: [] }, jws: ja }] }));
      expect(await verifyRecordsFile(join(dir, 'bad.json'), jwksFile, print)).toBe(1);
      expect(lines).toEqual([
        { recordId: a.recordId, version: 1, ok: true },
        { recordId: a.recordId, version: 1, ok: false, error: 'record: differs from the signed payload' },
      ]);
      await writeFile(jwksFile, JSON.stringify({ keys: [] }));
      expect(await verifyRecordsFile(join(dir, 'one.json'), jwksFile, print)).toBe(1);
      expect(lines[2]).toMatchObject({ ok: false, error: expect.stringContaining('unknown kid') });
    });
  });

  describe('ledger:verify', () => {
    const drafts = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => record(from + i) as unknown as RecordDraft);
    let items: LedgerEntry[];
    let head: { entry: LedgerEntry; jws: string };

    beforeAll(async () => {
      const ledger = t.app.get(LedgerService);
      const at = new Date('2025-06-01T04:00:00Z');
      await t.app.get(DataSource).transaction((m) => ledger.place(m, drafts(100, 3)));
      await t.app.get(DataSource).transaction((m) => ledger.place(m, drafts(200, 2)));
      items = (await ledger.page(0, 1000)).items;
      head = (await ledger.head()) as typeof head;
    });

    it('verifies the chain the gateway serves, page by page, with its signed head', async () => {
      const operator = await t.key({ role: 'operator' });
      expect(await verifyLedger({ from: t.baseUrl, key: operator }, print)).toBe(0);
      expect(await verifyLedger({ from: `${t.baseUrl}/`, key: operator, pageSize: 2 }, print)).toBe(0);
      await expect(verifyLedger({ from: t.baseUrl }, print)).rejects.toThrow('401');
      expect(lines).toEqual([
        { ok: true, count: 5, headSeq: 5, headVerified: true },
        { ok: true, count: 5, headSeq: 5, headVerified: true },
      ]);
    });

    it('verifies a file and names a tampered, a removed and a relinked entry', async () => {
      const jwksFile = join(dir, 'jwks.json');
      await writeFile(jwksFile, JSON.stringify(await served()));
      const run = async (entries: unknown[], withHead = head) => {
        await writeFile(join(dir, 'ledger.json'), JSON.stringify({ items: entries, head: withHead }));
        return verifyLedger({ from: join(dir, 'ledger.json'), jwks: jwksFile }, print);
      };
      expect(await run(items)).toBe(0);
      expect(await run(items.map((e) => (e.seq === 2 ? { ...e, recordHash: 'f'.repeat(64) } : e)))).toBe(1);
      expect(await run(items.filter((e) => e.seq !== 3))).toBe(1);
      expect(await run(items.map((e) => (e.seq === 4 ? { ...e, prevHash: items[0].hash } : e)))).toBe(1);
      expect(await run(items, { ...head, entry: { ...head.entry, appendedAt: '2030-01-01T00:00:00.000Z' } })).toBe(1);
      expect(await run(items.slice(0, 4))).toBe(1);
      expect(lines).toEqual([
        { ok: true, count: 5, headSeq: 5, headVerified: true },
        { ok: false, brokenAt: 2, reason: "hash does not match the entry's contents" },
        { ok: false, brokenAt: 3, reason: 'entry 3 is missing: seq 4 follows seq 2' },
        { ok: false, brokenAt: 4, reason: 'prevHash does not match the hash of entry 3' },
        { ok: false, brokenAt: 5, reason: 'head: entry 5 differs from the chain\'s' },
        { ok: false, brokenAt: 5, reason: 'head: entry 5 is not in the chain read' },
      ]);
    });
  });
});
