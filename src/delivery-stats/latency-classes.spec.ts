import fc from 'fast-check';
import { addCounts, classMiddleMs, LATENCY_CLASSES, latencyClass, percentileMs, trimmed } from './latency-classes';

describe('latency classes', () => {
  it('puts 0 ms in class 0 and each value in the class whose bounds hold it', () => {
    expect(latencyClass(0)).toBe(0);
    expect(latencyClass(1)).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 150_000 }), (ms) => {
        const c = latencyClass(ms);
        expect(2 ** ((c - 1) / 4)).toBeLessThanOrEqual(ms * (1 + 1e-12));
        expect(ms).toBeLessThan(2 ** (c / 4) * (1 + 1e-12));
      }),
    );
    expect(latencyClass(10 ** 9)).toBe(LATENCY_CLASSES - 1);
  });

  it('reads a percentile back within 10% of the value, give or take the rounding to whole milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 150_000 }), (ms) => {
        const counts: number[] = [];
        counts[latencyClass(ms)] = 1;
        const read = percentileMs(counts.map((n) => n ?? 0), 0.5)!;
        expect(Math.abs(read - ms)).toBeLessThanOrEqual(0.1 * ms + 0.5);
      }),
    );
  });

  it('takes the nearest rank: p50 and p99 of 1..100 ms land in the classes of 50 and 99 ms', () => {
    const counts: number[] = [];
    for (let ms = 1; ms <= 100; ms++) addCounts(counts, Object.assign(new Array(latencyClass(ms) + 1).fill(0), { [latencyClass(ms)]: 1 }));
    expect(percentileMs(counts, 0.5)).toBe(classMiddleMs(latencyClass(50)));
    expect(percentileMs(counts, 0.99)).toBe(classMiddleMs(latencyClass(99)));
    expect(percentileMs([], 0.5)).toBeNull();
  });

  it('merges counts of different lengths and stores them without trailing empty classes', () => {
    expect(addCounts([1, 0, 2], [0, 3, 0, 0, 4])).toEqual([1, 3, 2, 0, 4]);
    expect(trimmed([0, 2, 0, 0])).toEqual([0, 2]);
    expect(trimmed([0, 0])).toEqual([]);
  });
});
