import { statusList } from './status-list';

describe('statusList', () => {
  it('splits comma lists and repeated parameters', () => {
    expect(statusList('dead, failed')).toEqual(['dead', 'failed']);
    expect(statusList(['dead', 'failed,cancelled'])).toEqual(['dead', 'failed', 'cancelled']);
  });

  it('leaves non-strings for the validator to refuse', () => {
    expect(statusList(3)).toBe(3);
  });
});
