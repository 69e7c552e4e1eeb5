import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import type { LedgerEntry } from '../ledger/ledger-entry';
import { canonicalJson, GENESIS_HASH, ledgerEntryHash, sha256Hex } from './canonical';
import { ChainVerifier, verifyChain, verifyHead, verifyRecordJws } from './verify';

function makeKey(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const { x } = publicKey.export({ format: 'jwk' });
  return { kid, privateKey, jwk: { kty: 'OKP', crv: 'Ed25519', x: x!, kid, alg: 'EdDSA', use: 'sig' } };
}

function signText(text: string, key: { kid: string; privateKey: KeyObject }, typ = 'sanction-record+jws', alg = 'EdDSA') {
  return new CompactSign(Buffer.from(text)).setProtectedHeader({ alg, kid: key.kid, typ }).sign(key.privateKey);
}

function chain(n: number): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const fields = { seq, recordId: `01JRECORD${String(seq).padStart(17, '0')}`, version: 1, recordHash: sha256Hex(`r${seq}`), prevHash, appendedAt: '2025-06-01T04:00:00.000Z' };
    const entry = { ...fields, hash: ledgerEntryHash(fields) };
    out.push(entry);
    prevHash = entry.hash;
  }
  return out;
}

describe('verifyRecordJws', () => {
  const key = makeKey('k1');
  const jwks = { keys: [key.jwk] };
  const record = { recordId: '01JRECORD', version: 1, subject: { uscc: '91441600MA0000000X', name: '河源市测试钢铁有限公司' }, measures: ['land_supply'] };

  it('returns the signed record and accepts it when it matches', async () => {
    const jws = await signText(canonicalJson(record), key);
    await expect(verifyRecordJws(jws, jwks, record)).resolves.toEqual(record);
    await expect(verifyRecordJws(jws, jwks)).resolves.toEqual(record);
  });

  it('fails on a tampered payload', async () => {
    const [h, , s] = (await signText(canonicalJson(record), key)).split('.');
    const forged = Buffer.from(canonicalJson({ ...record, measures: [] })).toString('base64url');
    await expect(verifyRecordJws(`${h}.${forged}.${s}`, jwks)).rejects.toThrow('signature verification failed');
  });

  it('fails when the record differs from what was signed', async () => {
    const jws = await signText(canonicalJson(record), key);
    await expect(verifyRecordJws(jws, jwks, { ...record, version: 2 })).rejects.toThrow('record: differs from the signed payload');
  });

  it('names an unknown kid', async () => {
    const jws = await signText(canonicalJson(record), makeKey('stranger'));
    await expect(verifyRecordJws(jws, jwks)).rejects.toThrow('unknown kid "stranger"');
  });

  it('fails when a known kid signs with another key', async () => {
    const jws = await signText(canonicalJson(record), { ...makeKey('x'), kid: 'k1' });
    await expect(verifyRecordJws(jws, jwks)).rejects.toThrow('signature verification failed');
  });

  it('checks typ and payload form', async () => {
    await expect(verifyRecordJws(await signText(canonicalJson(record), key, 'ledger-head+jws'), jwks)).rejects.toThrow('typ is "ledger-head+jws"');
    await expect(verifyRecordJws(await signText(JSON.stringify(record, null, 1), key), jwks)).rejects.toThrow('not in canonical form');
    await expect(verifyRecordJws('abc', jwks)).rejects.toThrow('not a compact serialization');
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and reports its head', () => {
    const entries = chain(5);
    expect(verifyChain(entries)).toEqual({ ok: true, count: 5, head: entries[4] });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: null });
  });

  it('names a tampered entry by its seq', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2], recordHash: sha256Hex('forged') };
    expect(verifyChain(entries)).toEqual({ ok: false, brokenAt: 3, reason: "hash does not match the entry's contents" });
  });

  it('names a tampered entry whose hash was recomputed at the next link', () => {
    const entries = chain(5);
    const forged = { ...entries[1], recordHash: sha256Hex('forged') };
    entries[1] = { ...forged, hash: ledgerEntryHash(forged) };
    expect(verifyChain(entries)).toEqual({ ok: false, brokenAt: 3, reason: 'prevHash does not match the hash of entry 2' });
  });

  it('names a removed entry', () => {
    const entries = chain(5);
    entries.splice(3, 1);
    expect(verifyChain(entries)).toMatchObject({ ok: false, brokenAt: 4, reason: 'entry 4 is missing: seq 5 follows seq 3' });
  });

  it('names a wrong prevHash, including on the first entry', () => {
    const entries = chain(3);
    const relinked = { ...entries[1], prevHash: entries[2].hash };
    entries[1] = { ...relinked, hash: ledgerEntryHash(relinked) };
    expect(verifyChain(entries)).toMatchObject({ ok: false, brokenAt: 2 });
    const first = { ...chain(1)[0], prevHash: 'f'.repeat(64) };
    expect(verifyChain([{ ...first, hash: ledgerEntryHash(first) }])).toEqual({ ok: false, brokenAt: 1, reason: 'prevHash of the first entry is not the genesis hash' });
  });

  it('takes pages one at a time, keeps the first break and continues from a verified entry', () => {
    const entries = chain(10);
    const verifier = new ChainVerifier();
    verifier.add(entries.slice(0, 4)).add(entries.slice(4, 8));
    expect(verifier.result()).toEqual({ ok: true, count: 8, head: entries[7] });
    const later = entries.slice(8).map((e) => ({ ...e }));
    later[0].appendedAt = '2030-01-01T00:00:00.000Z';
    verifier.add(later).add([{ ...entries[0] }]);
    expect(verifier.result()).toMatchObject({ ok: false, brokenAt: 9 });
    expect(new ChainVerifier(entries[5]).add(entries.slice(6)).result()).toEqual({ ok: true, count: 4, head: entries[9] });
  });
});

describe('verifyHead', () => {
  const key = makeKey('k1');
  const jwks = { keys: [key.jwk] };
  const [entry, other] = chain(2);

  it('accepts a head signed over the last entry and refuses another entry', async () => {
    const jws = await signText(canonicalJson(entry), key, 'ledger-head+jws');
    await expect(verifyHead(jws, jwks, entry)).resolves.toEqual(entry);
    await expect(verifyHead(jws, jwks, other)).rejects.toThrow('ledger entry: differs from the signed payload');
    await expect(verifyHead(await signText(canonicalJson(entry), key), jwks, entry)).rejects.toThrow('typ is "sanction-record+jws"');
  });
});
