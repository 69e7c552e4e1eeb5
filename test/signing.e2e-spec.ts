import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, JSONWebKeySet } from 'jose';
import { verifyRecordsFile } from '../src/cli/signing.commands';
import { canonicalJson } from '../src/signing/canonical';
import { KeyRegistryRepository } from '../src/signing/key-registry.repository';
import { KeyStore } from '../src/signing/key-store';
import { SigningService } from '../src/signing/signing.service';
import { startTestApp, TestApp } from './support/app';

const record = (n: number, version = 1, issuedAt = '2025-06-01T04:00:00.000Z') => ({
  recordId: `01JTESTRECORD${String(n).padStart(13, '0')}`,
  version,
  event: 'sanction.issued',
  subject: { uscc: '91441600MA4UXXXX1X', name: `河源市测试钢铁有限公司${n}` },
  measures: ['land_supply', 'financing_credit'],
  issuedAt,
});

describe('signing keys', () => {
  let t: TestApp;
  let dir: string;
  let signing: SigningService;
  const lines: unknown[] = [];
  const print = (v: unknown) => lines.push(v);
  const served = async () => (await t.request('GET', '/.well-known/jwks.json')).body as JSONWebKeySet;
  const privateParts = async () => {
    const names = (await readdir(join(dir, 'keys'))).filter((f) => f.endsWith('.json'));
    return Promise.all(names.map(async (f) => JSON.parse(await readFile(join(dir, 'keys', f), 'utf8')).d as string));
  };

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

  it('creates a key on first start, publishes its public part from the database, and keeps the private part in the folder', async () => {
    const res = await t.request('GET', '/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.body.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: signing.activeKid(), alg: 'EdDSA', use: 'sig' }]);
    const files = await readdir(join(dir, 'keys'));
    const keyFile = `${signing.activeKid()}.json`;
    expect(files.sort()).toEqual([keyFile, 'active'].sort());
    expect((await stat(join(dir, 'keys', keyFile))).mode & 0o777).toBe(0o600);
    const stored = JSON.stringify(await t.app.get(KeyRegistryRepository).list());
    for (const d of await privateParts()) expect(stored).not.toContain(d);
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

  it('picks up a rotation another process made in the folder, and publishes it before signing with it', async () => {
    // What the CLI's keys:rotate does, from a process of its own: a new key file, then the marker.
    const elsewhere = await KeyStore.open(join(dir, 'keys'));
    const key = await elsewhere.rotate();
    const [jws] = await signing.signRecords([record(3)]);
    expect(decodeProtectedHeader(jws).kid).toBe(key.kid);
    expect((await served()).keys.map((k) => k.kid)).toContain(key.kid);
  });

  it('keeps a key published after its file is gone, so what it signed still verifies after a restart', async () => {
    const jws = await signing.signRecord(record(4));
    const kid = decodeProtectedHeader(jws).kid as string;
    await signing.rotate();
    await rm(join(dir, 'keys', `${kid}.json`));
    const again = await startTestApp({ signing: { keyDir: join(dir, 'keys') } }, undefined, t);
    try {
      const jwks = (await again.request('GET', '/.well-known/jwks.json')).body as JSONWebKeySet;
      expect(jwks.keys.map((k) => k.kid)).toContain(kid);
      await compactVerify(jws, createLocalJWKSet(jwks));
    } finally {
      await again.close();
    }
  });

  it('revokes a key: published with its window, refused for what it signed from then on, and replaced before the next signature', async () => {
    const kid = signing.activeKid();
    const before = await signing.signRecord(record(5, 1, '2025-06-01T03:00:00.000Z'));
    // A forger holding the key signs a record dated after the compromise.
    const forged = await signing.signRecord(record(6, 1, '2025-06-01T03:30:00.000Z'));
    const revoked = await signing.revoke(kid, new Date('2025-06-01T03:15:00Z'), 'key file copied');
    expect(revoked.revokedAt?.toISOString()).toBe('2025-06-01T03:15:00.000Z');
    const published = (await served()).keys.find((k) => k.kid === kid) as unknown as Record<string, unknown>;
    expect(published).toMatchObject({ kid, revokedAt: '2025-06-01T03:15:00.000Z', exp: Date.parse('2025-06-01T03:15:00Z') / 1000, nbf: expect.any(Number) });
    expect(published).not.toHaveProperty('d');

    const jwksFile = join(dir, 'jwks.json');
    await writeFile(jwksFile, JSON.stringify(await served()));
    await writeFile(join(dir, 'before.json'), JSON.stringify({ record: record(5, 1, '2025-06-01T03:00:00.000Z'), jws: before }));
    await writeFile(join(dir, 'forged.json'), JSON.stringify({ record: record(6, 1, '2025-06-01T03:30:00.000Z'), jws: forged }));
    expect(await verifyRecordsFile(join(dir, 'before.json'), jwksFile, print)).toBe(0);
    expect(await verifyRecordsFile(join(dir, 'forged.json'), jwksFile, print)).toBe(1);
    expect(lines[1]).toMatchObject({ ok: false, error: `jws: key "${kid}" was revoked at 2025-06-01T03:15:00.000Z; this was signed at 2025-06-01T03:30:00.000Z` });

    // The instance never signs with it again.
    const next = await signing.signRecord(record(7));
    expect(decodeProtectedHeader(next).kid).not.toBe(kid);
    expect((await served()).keys.map((k) => k.kid)).toContain(decodeProtectedHeader(next).kid);
  });

  it('refuses a revocation dated in the future or of an unknown key', async () => {
    await expect(signing.revoke(signing.activeKid(), new Date('2025-06-02T00:00:00Z'), null)).rejects.toThrow('at: must not be later than now');
    await expect(signing.revoke('no-such-kid', new Date('2025-05-01T00:00:00Z'), null)).rejects.toThrow('no signing key no-such-kid');
  });

  it('makes exactly one first key when several processes open an empty directory at once', async () => {
    const fresh = join(dir, 'race');
    const stores = await Promise.all([1, 2, 3, 4].map(() => KeyStore.open(fresh)));
    const kids = new Set(stores.map((s) => s.active.kid));
    expect(kids.size).toBe(1);
    expect((await readdir(fresh)).filter((f) => f.endsWith('.json'))).toEqual([`${[...kids][0]}.json`]);
  });
});
