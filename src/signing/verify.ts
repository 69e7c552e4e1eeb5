import { compactVerify, createLocalJWKSet, decodeProtectedHeader, errors, JSONWebKeySet } from 'jose';
import type { LedgerEntry } from '../ledger/ledger-entry';
import { canonicalJson, GENESIS_HASH, ledgerEntryHash } from './canonical';

// Offline checks of DESIGN section 5: they need only the JWKS and the JSON the gateway serves, no Nest and no database.

export type ChainResult = { ok: true; count: number; head: LedgerEntry | null } | { ok: false; brokenAt: number; reason: string };

const keySets = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();

/** A signed checkpoint of the transparency log (DESIGN section 5). */
export interface Checkpoint {
  treeSize: number;
  rootHash: string;
  timestamp: string;
}

/** When a payload says it was signed, for checking the key's validity window; null when it does not say. */
type SignedAt = (payload: Record<string, unknown>) => unknown;

/**
 * Verifies a record's JWS and, when the record is given too, that it is exactly what was signed. A key revoked
 * at some instant verifies only records whose `issuedAt` (the version's own instant) is earlier. Returns the record.
 */
export async function verifyRecordJws(jws: string, jwks: JSONWebKeySet, record?: unknown): Promise<Record<string, unknown>> {
  return verifySignedJson(jws, jwks, 'sanction-record+jws', record, 'record', (p) => p.issuedAt);
}

/** Verifies the ledger head's JWS and that it signs exactly `lastEntry`; a revoked key signs no head. */
export async function verifyHead(headJws: string, jwks: JSONWebKeySet, lastEntry: LedgerEntry): Promise<LedgerEntry> {
  return (await verifySignedJson(headJws, jwks, 'ledger-head+jws', lastEntry, 'ledger entry', () => null)) as unknown as LedgerEntry;
}

/** Verifies a checkpoint's JWS and that it signs exactly {treeSize, rootHash, timestamp} of `checkpoint` (when given). */
export async function verifyCheckpointJws(jws: string, jwks: JSONWebKeySet, checkpoint?: Checkpoint): Promise<Checkpoint> {
  const expected = checkpoint && { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, timestamp: checkpoint.timestamp };
  const signed = await verifySignedJson(jws, jwks, 'ledger-checkpoint+jws', expected, 'checkpoint', (p) => p.timestamp);
  if (!Number.isSafeInteger(signed.treeSize) || (signed.treeSize as number) < 0 || !/^[0-9a-f]{64}$/.test(String(signed.rootHash)) || typeof signed.timestamp !== 'string') {
    throw new Error('checkpoint: the signed payload is not {treeSize, rootHash, timestamp}');
  }
  return signed as unknown as Checkpoint;
}

async function verifySignedJson(
  jws: string,
  jwks: JSONWebKeySet,
  typ: string,
  expected: unknown,
  what: string,
  signedAt: SignedAt,
): Promise<Record<string, unknown>> {
  if (typeof jws !== 'string' || jws.split('.').length !== 3) throw new Error('jws: not a compact serialization');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch (e) {
    throw new Error(`jws: unreadable protected header (${(e as Error).message})`);
  }
  if (header.alg !== 'EdDSA') throw new Error(`jws: alg is ${JSON.stringify(header.alg)}, expected "EdDSA"`);
  if (header.typ !== typ) throw new Error(`jws: typ is ${JSON.stringify(header.typ)}, expected "${typ}"`);
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws, keySet(jwks), { algorithms: ['EdDSA'] }));
  } catch (e) {
    if (e instanceof errors.JWKSNoMatchingKey) throw new Error(`jws: unknown kid ${JSON.stringify(header.kid)} (not in the JWKS)`);
    if (e instanceof errors.JWSSignatureVerificationFailed) throw new Error('jws: signature verification failed');
    throw new Error(`jws: ${(e as Error).message}`);
  }
  const text = Buffer.from(payload).toString('utf8');
  let signed: unknown;
  try {
    signed = JSON.parse(text);
  } catch {
    throw new Error('jws: payload is not JSON');
  }
  if (signed === null || typeof signed !== 'object' || Array.isArray(signed)) throw new Error('jws: payload is not a JSON object');
  if (canonicalJson(signed) !== text) throw new Error('jws: payload is not in canonical form (RFC 8785)');
  if (expected !== undefined && canonicalJson(expected) !== text) throw new Error(`${what}: differs from the signed payload`);
  checkValidity(jwks, header.kid, signedAt(signed as Record<string, unknown>));
  return signed as Record<string, unknown>;
}

/**
 * Refuses what a revoked key signed at or after its revocation (`revokedAt`, else `exp`), judged by the instant
 * the payload carries; a payload that carries none is refused outright once the key is revoked.
 */
function checkValidity(jwks: JSONWebKeySet, kid: unknown, at: unknown): void {
  const jwk = jwks.keys.find((k) => k.kid === kid) as (JSONWebKeySet['keys'][number] & { revokedAt?: unknown; exp?: unknown }) | undefined;
  if (!jwk) return;
  const revokedAt = typeof jwk.revokedAt === 'string' ? Date.parse(jwk.revokedAt) : typeof jwk.exp === 'number' ? jwk.exp * 1000 : NaN;
  if (Number.isNaN(revokedAt)) return;
  const signedAt = typeof at === 'string' ? Date.parse(at) : NaN;
  const when = new Date(revokedAt).toISOString();
  if (Number.isNaN(signedAt)) throw new Error(`jws: key ${JSON.stringify(kid)} was revoked at ${when}, and the payload says no signing instant`);
  if (signedAt >= revokedAt) throw new Error(`jws: key ${JSON.stringify(kid)} was revoked at ${when}; this was signed at ${new Date(signedAt).toISOString()}`);
}

function keySet(jwks: JSONWebKeySet) {
  let set = keySets.get(jwks);
  if (!set) keySets.set(jwks, (set = createLocalJWKSet(jwks)));
  return set;
}

/**
 * Checks a chain one page at a time, holding only the last entry: give pages in seq order to add(), then
 * read result(). The first broken link is kept; later pages are ignored once one is found. `from` continues
 * a chain already verified up to that entry (seq 0 and the genesis hash by default).
 */
export class ChainVerifier {
  private last: { seq: number; hash: string };
  private lastEntry: LedgerEntry | null = null;
  private count = 0;
  private broken: { brokenAt: number; reason: string } | null = null;

  constructor(from: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }) {
    this.last = { seq: from.seq, hash: from.hash };
  }

  add(entries: Iterable<LedgerEntry>): this {
    for (const entry of entries) {
      if (this.broken) break;
      const reason = this.check(entry);
      if (reason) this.broken = { brokenAt: this.last.seq + 1, reason };
      else {
        this.last = { seq: entry.seq, hash: entry.hash };
        this.lastEntry = entry;
        this.count++;
      }
    }
    return this;
  }

  get ok(): boolean {
    return !this.broken;
  }

  result(): ChainResult {
    return this.broken ? { ok: false, ...this.broken } : { ok: true, count: this.count, head: this.lastEntry };
  }

  private check(entry: LedgerEntry): string | null {
    const expected = this.last.seq + 1;
    if (!entry || typeof entry !== 'object') return `entry ${expected} is not an object`;
    if (!Number.isSafeInteger(entry.seq)) return `entry after seq ${this.last.seq} has no integer seq`;
    if (entry.seq !== expected) {
      return entry.seq > expected
        ? `entry ${expected} is missing: seq ${entry.seq} follows seq ${this.last.seq}`
        : `seq ${entry.seq} follows seq ${this.last.seq} (out of order or repeated)`;
    }
    if (entry.prevHash !== this.last.hash) {
      if (expected === 1) return 'prevHash of the first entry is not the genesis hash';
      return `prevHash does not match the hash of entry ${this.last.seq}`;
    }
    let hash: string;
    try {
      hash = ledgerEntryHash(entry);
    } catch (e) {
      return `entry cannot be hashed: ${(e as Error).message}`;
    }
    if (entry.hash !== hash) return 'hash does not match the entry\'s contents';
    return null;
  }
}

/** The whole chain at once; see ChainVerifier for the streaming form. */
export function verifyChain(entries: Iterable<LedgerEntry>): ChainResult {
  return new ChainVerifier().add(entries).result();
}
