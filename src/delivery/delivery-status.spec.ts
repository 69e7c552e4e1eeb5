import { allows, startsFrom } from './delivery-status';

describe('delivery transitions', () => {
  it('retries anything not delivered and not leased to a worker', () => {
    expect(['dead', 'failed', 'cancelled', 'pending'].filter((s) => allows('retry', s))).toHaveLength(4);
    expect(allows('retry', 'delivered')).toBe(false);
    expect(allows('retry', 'in_flight')).toBe(false);
  });

  it('cancels only what is still waiting or has given up', () => {
    expect(['pending', 'failed', 'dead'].every((s) => allows('cancel', s))).toBe(true);
    expect(['delivered', 'in_flight', 'cancelled'].some((s) => allows('cancel', s))).toBe(false);
  });

  it('repairs even a delivered version the other side lacks, never one in flight', () => {
    expect(startsFrom('repair')).toEqual(expect.arrayContaining(['delivered', 'dead', 'cancelled', 'failed', 'pending']));
    expect(allows('repair', 'in_flight')).toBe(false);
  });

  it('supersedes only what has not reached the target and is not being sent', () => {
    expect(allows('supersede', 'delivered')).toBe(false);
    expect(allows('supersede', 'in_flight')).toBe(false);
    expect(['pending', 'failed', 'dead', 'cancelled'].every((s) => allows('supersede', s))).toBe(true);
  });
});
