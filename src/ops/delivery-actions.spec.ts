import { allows, statusList } from './delivery-actions';

describe('operator actions on a delivery', () => {
  it('retries anything not delivered and not leased to a worker', () => {
    expect(['dead', 'failed', 'cancelled', 'pending'].filter((s) => allows('retry', s))).toHaveLength(4);
    expect(allows('retry', 'delivered')).toBe(false);
    expect(allows('retry', 'in_flight')).toBe(false);
  });

  it('cancels only what is still waiting or has given up', () => {
    expect(['pending', 'failed', 'dead'].every((s) => allows('cancel', s))).toBe(true);
    expect(['delivered', 'in_flight', 'cancelled'].some((s) => allows('cancel', s))).toBe(false);
  });
});

describe('statusList', () => {
  it('splits comma lists and repeated parameters', () => {
    expect(statusList('dead, failed')).toEqual(['dead', 'failed']);
    expect(statusList(['dead', 'failed,cancelled'])).toEqual(['dead', 'failed', 'cancelled']);
  });

  it('leaves non-strings for the validator to refuse', () => {
    expect(statusList(3)).toBe(3);
  });
});
