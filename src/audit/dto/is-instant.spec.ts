import { isInstant } from './is-instant';

describe('isInstant', () => {
  it('accepts instants with Z or an offset', () => {
    expect(isInstant('2025-06-01T08:00:00+08:00')).toBe(true);
    expect(isInstant('2025-06-01T00:00:00.123Z')).toBe(true);
    expect(isInstant('2025-06-01T08:00+08:00')).toBe(true);
  });

  it('refuses dates, local times and impossible values', () => {
    expect(isInstant('2025-06-01')).toBe(false);
    expect(isInstant('2025-06-01T08:00:00')).toBe(false);
    expect(isInstant('2025-13-01T08:00:00Z')).toBe(false);
    expect(isInstant(20250601)).toBe(false);
  });
});
