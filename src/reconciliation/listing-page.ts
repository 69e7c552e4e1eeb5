import type { PlatformHolding } from '../credit-platform/credit-platform.adapter';

/**
 * One page of the platform's listing, checked and reduced to one entry per record. The listing promises no
 * order and may repeat items (DESIGN section 7), so nothing here depends on either.
 */

/** What is wrong with a listed item, naming the field; null when it can be compared. */
export function invalidHolding(item: unknown): string | null {
  if (!item || typeof item !== 'object') return 'item: must be an object';
  const h = item as Partial<Record<keyof PlatformHolding, unknown>>;
  if (typeof h.recordId !== 'string' || !h.recordId || h.recordId.length > 200) return 'recordId: a string of 1-200 characters';
  if (!Number.isInteger(h.version) || (h.version as number) < 1 || (h.version as number) > 2_147_483_647) return 'version: a positive integer';
  if (typeof h.contentHash !== 'string' || !/^[0-9a-f]{64}$/i.test(h.contentHash)) return 'contentHash: 64 hex digits';
  if (h.status !== 'active' && h.status !== 'revoked') return 'status: active or revoked';
  return null;
}

/** The page's entries, one per record: the latest state of a record listed twice (higher version, then revoked). */
export function latestPerRecord(page: readonly PlatformHolding[]): PlatformHolding[] {
  const latest = new Map<string, PlatformHolding>();
  for (const item of page) {
    const seen = latest.get(item.recordId);
    if (!seen || isLater(item, seen)) latest.set(item.recordId, { ...item, contentHash: item.contentHash.toLowerCase() });
  }
  return [...latest.values()];
}

function isLater(a: PlatformHolding, b: PlatformHolding): boolean {
  return a.version > b.version || (a.version === b.version && a.status === 'revoked' && b.status !== 'revoked');
}
