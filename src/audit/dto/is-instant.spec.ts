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

  it('refuses days the calendar lacks and years outside 1900-9999, which Date.parse would accept', () => {
    expect(isInstant('2026-02-30T00:00:00Z')).toBe(false);
    expect(isInstant('2024-02-29T00:00:00Z')).toBe(true);
    expect(isInstant('2025-02-29T00:00:00Z')).toBe(false);
    expect(isInstant('0000-01-01T00:00:00Z')).toBe(false);
    expect(isInstant('1899-12-31T23:59:59Z')).toBe(false);
    expect(isInstant('2025-06-01T24:00:00Z')).toBe(false);
    expect(isInstant('2025-06-01T08:00:60Z')).toBe(false);
    expect(isInstant('2025-06-01T08:00:00+15:00')).toBe(false);
  });
});
