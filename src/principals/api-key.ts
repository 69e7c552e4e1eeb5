import { hash, randomBytes } from 'node:crypto';

const PREFIX = 'csg_';

/** A new API key: 32 random bytes, shown once; only its hash is stored. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = PREFIX + randomBytes(32).toString('base64url');
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}

// A plain SHA-256 suffices: the key carries 256 bits of entropy, so there is nothing to brute-force.
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(PREFIX) && value.length === PREFIX.length + 43;
}
