import type { PlatformHolding } from '../credit-platform/credit-platform.adapter';
import { invalidHolding, latestPerRecord } from './listing-page';

const H = (c: string) => c.repeat(64);
const held = (recordId: string, version = 1, status: PlatformHolding['status'] = 'active', hash = H('a')): PlatformHolding => ({ recordId, version, contentHash: hash, status });

describe('invalidHolding', () => {
  it('accepts a well-formed item', () => {
    expect(invalidHolding(held('01J0000000000000000000000A'))).toBeNull();
    expect(invalidHolding({ ...held('X'), contentHash: H('F') })).toBeNull();
  });

  it('names the field of a malformed one', () => {
    expect(invalidHolding(null)).toMatch(/^item/);
    expect(invalidHolding({ ...held('A'), recordId: '' })).toMatch(/^recordId/);
    expect(invalidHolding({ ...held('A'), recordId: 7 })).toMatch(/^recordId/);
    expect(invalidHolding({ ...held('A'), version: 0 })).toMatch(/^version/);
    expect(invalidHolding({ ...held('A'), version: 1.5 })).toMatch(/^version/);
    expect(invalidHolding({ ...held('A'), contentHash: 'abc' })).toMatch(/^contentHash/);
    expect(invalidHolding({ ...held('A'), status: 'gone' })).toMatch(/^status/);
  });
});

describe('latestPerRecord', () => {
  it('keeps one entry per record whatever the order, the latest state winning', () => {
    const page = [held('B', 1), held('A', 2), held('B', 3), held('A', 1), held('C', 1), held('B', 2)];
    expect(latestPerRecord(page).map((h) => [h.recordId, h.version]).sort()).toEqual([['A', 2], ['B', 3], ['C', 1]]);
  });

  it('takes revoked over active at the same version, in either order', () => {
    expect(latestPerRecord([held('A', 2, 'active'), held('A', 2, 'revoked')])).toEqual([held('A', 2, 'revoked')]);
    expect(latestPerRecord([held('A', 2, 'revoked'), held('A', 2, 'active')])).toEqual([held('A', 2, 'revoked')]);
  });

  it('compares hashes in lower case, as the gateway writes them', () => {
    expect(latestPerRecord([held('A', 1, 'active', H('E'))])[0].contentHash).toBe(H('e'));
  });
});
