import { createHash } from 'node:crypto';
import { batchHash, QueryBuffer } from './query-buffer';

const P = '00000000-0000-4000-8000-000000000001';
const Q = '00000000-0000-4000-8000-000000000002';

describe('QueryBuffer', () => {
  it('keeps one row per request: a lookup its code, a batch its count and hash, oldest first', () => {
    const buffer = new QueryBuffer(10);
    buffer.add(P, ['A', 'B', 'A'], 't1', true);
    buffer.add(Q, ['C'], 't2', false);
    expect(buffer.size).toBe(2);
    expect(buffer.take(1)).toEqual({ principalIds: [P], usccs: [''], ats: ['t1'], batch: [true], counts: [3], hashes: [batchHash(['A', 'B', 'A'])] });
    expect(buffer.take(5)).toEqual({ principalIds: [Q], usccs: ['C'], ats: ['t2'], batch: [false], counts: [1], hashes: [''] });
    expect(buffer.size).toBe(0);
  });

  it('hashes a batch\'s codes as sent, in order, joined by commas', () => {
    expect(batchHash(['91441602MA53K2P61E', '91441621197352842M'])).toBe(
      createHash('sha256').update('91441602MA53K2P61E,91441621197352842M').digest('hex'),
    );
    expect(batchHash(['B', 'A'])).not.toBe(batchHash(['A', 'B']));
  });

  it('puts a failed write back ahead of newer rows', () => {
    const buffer = new QueryBuffer(10);
    buffer.add(P, ['A'], 't1', false);
    buffer.add(P, ['B'], 't1', false);
    const taken = buffer.take(2);
    buffer.add(Q, ['C'], 't2', false);
    expect(buffer.putBack(taken)).toBe(0);
    expect(buffer.take(10).usccs).toEqual(['A', 'B', 'C']);
  });

  it('drops the oldest rows beyond its bound and says how many', () => {
    const buffer = new QueryBuffer(3);
    for (const code of ['A', 'B']) expect(buffer.add(P, [code], 't1', false)).toBe(0);
    expect(buffer.add(P, ['C'], 't2', false)).toBe(0);
    expect(buffer.add(P, ['D'], 't2', false)).toBe(1);
    const taken = buffer.take(1);
    buffer.add(Q, ['F'], 't3', false);
    expect(buffer.putBack(taken)).toBe(1);
    expect(buffer.take(10).usccs).toEqual(['C', 'D', 'F']);
  });
});
