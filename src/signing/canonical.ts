import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The `prevHash` of the first ledger entry (DESIGN section 5). */
export const GENESIS_HASH = '0'.repeat(64);

/** The six fields a ledger entry's hash covers, in no particular order (the canonical form sorts them). */
export interface LedgerEntryFields {
  seq: number;
  recordId: string;
  version: number;
  recordHash: string;
  prevHash: string;
  appendedAt: string;
}

/**
 * RFC 8785 (JSON Canonicalization Scheme). The library turns a function nested in an object into the bare
 * word `undefined`, which is not JSON, so those are refused here before anything is signed or hashed.
 */
export function canonicalJson(value: unknown): string {
  const bad = unserialisable(value);
  if (bad !== null) throw new Error(`canonicalJson: $${bad}`);
  const text = canonicalize(value);
  if (text === undefined) throw new Error(`canonicalJson: ${typeof value} has no JSON form`);
  return text;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Exactly the six fields are hashed, so an entry passed with its own `hash` (or anything else) hashes the same. */
export function ledgerEntryHash(entry: LedgerEntryFields): string {
  return sha256Hex(ledgerEntryText(entry));
}

/**
 * The canonical JSON of the entry without `hash`: what its hash and its Merkle leaf cover. Well-typed fields
 * (strings and safe integers, whose canonical form is JSON.stringify's) are written directly, in the sorted
 * member order, because the log hashes every entry; anything else goes through the general canonicaliser.
 */
export function ledgerEntryText(entry: LedgerEntryFields): string {
  const { seq, recordId, version, recordHash, prevHash, appendedAt } = entry;
  const strings = [appendedAt, prevHash, recordHash, recordId].every((v) => typeof v === 'string');
  if (!strings || !Number.isSafeInteger(seq) || !Number.isSafeInteger(version)) {
    return canonicalJson({ seq, recordId, version, recordHash, prevHash, appendedAt });
  }
  const q = JSON.stringify;
  return `{"appendedAt":${q(appendedAt)},"prevHash":${q(prevHash)},"recordHash":${q(recordHash)},"recordId":${q(recordId)},"seq":${seq},"version":${version}}`;
}

/** Where the first value without a JSON form sits, as a path suffix, or null; paths are built only on failure. */
function unserialisable(value: unknown): string | null {
  const type = typeof value;
  if (type === 'function' || type === 'bigint') return ` is a ${type}`;
  if (value === null || type !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unserialisable(value[i]);
      if (found !== null) return `[${i}]${found}`;
    }
    return null;
  }
  for (const key of Object.keys(value as object)) {
    const found = unserialisable((value as Record<string, unknown>)[key]);
    if (found !== null) return `.${key}${found}`;
  }
  return null;
}
