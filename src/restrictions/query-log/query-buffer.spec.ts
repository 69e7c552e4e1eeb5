import { QueryBuffer } from './query-buffer';

const P = '00000000-0000-4000-8000-000000000001';
const Q = '00000000-0000-4000-8000-000000000002';

describe('QueryBuffer', () => {
  it('keeps one row per code in arrival order and hands out the oldest first', () => {
    const buffer = new QueryBuffer(10);
    buffer.add(P, ['A', 'B'], 't1', true);
    buffer.add(Q, ['C'], 't2', false);
    expect(buffer.size).toBe(3);
    expect(buffer.take(2)).toEqual({ principalIds: [P, P], usccs: ['A', 'B'], ats: ['t1', 't1'], batch: [true, true] });
    expect(buffer.take(5)).toEqual({ principalIds: [Q], usccs: ['C'], ats: ['t2'], batch: [false] });
    expect(buffer.size).toBe(0);
  });

  it('puts a failed write back ahead of newer rows', () => {
    const buffer = new QueryBuffer(10);
    buffer.add(P, ['A', 'B'], 't1', false);
    const taken = buffer.take(2);
    buffer.add(Q, ['C'], 't2', false);
    expect(buffer.putBack(taken)).toBe(0);
    expect(buffer.take(10).usccs).toEqual(['A', 'B', 'C']);
  });

  it('drops the oldest rows beyond its bound and says how many', () => {
    const buffer = new QueryBuffer(3);
    expect(buffer.add(P, ['A', 'B'], 't1', false)).toBe(0);
    expect(buffer.add(P, ['C', 'D', 'E'], 't2', true)).toBe(2);
    const taken = buffer.take(1);
    buffer.add(Q, ['F'], 't3', false);
    expect(buffer.putBack(taken)).toBe(1);
    expect(buffer.take(10).usccs).toEqual(['D', 'E', 'F']);
  });
});
