import { hash } from 'node:crypto';

/** A strong validator over the given parts (separated, so ["ab","c"] and ["a","bc"] differ). */
export function etagOf(...parts: string[]): string {
  // One-shot hashing: restriction lookups compute a tag on every answer.
  return `"${hash('sha256', parts.join('\u0000') + '\u0000', 'base64url').slice(0, 27)}"`;
}

/** If-None-Match uses the weak comparison (RFC 9110 13.1.2): a W/ prefix is ignored, "*" matches anything. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || (t.startsWith('W/') ? t.slice(2) : t) === etag;
  });
}
