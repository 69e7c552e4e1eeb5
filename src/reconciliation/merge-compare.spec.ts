import { classify, LocalEntry, mergeStep, outOfOrder, RemoteEntry } from './merge-compare';

const H = (c: string) => c.repeat(64);
const local = (recordId: string, version = 1, status: LocalEntry['status'] = 'active', hash = H('a')): LocalEntry => ({ recordId, version, recordHash: hash, status });
const remote = (recordId: string, version = 1, status: RemoteEntry['status'] = 'active', hash = H('a')): RemoteEntry => ({ recordId, version, contentHash: hash, status });

/** Runs the whole merge the way the service does, refilling buffers in pages of `size`. */
function mergeAll(l: LocalEntry[], r: RemoteEntry[], size: number) {
  let lb: LocalEntry[] = [];
  let rb: RemoteEntry[] = [];
  let lp = 0;
  let rp = 0;
  let matched = 0;
  const differences: Array<[string, string]> = [];
  for (let guard = 0; guard < 10_000; guard++) {
    if (!lb.length && lp < l.length) lb = l.slice(lp, (lp += size));
    if (!rb.length && rp < r.length) rb = r.slice(rp, (rp += size));
    const lEnded = lp >= l.length;
    const rEnded = rp >= r.length;
    if (!lb.length && !rb.length && lEnded && rEnded) break;
    const step = mergeStep(lb, rb, lEnded, rEnded);
    matched += step.matched;
    differences.push(...step.differences.map((d) => [d.kind, d.recordId] as [string, string]));
    lb = lb.slice(step.localUsed);
    rb = rb.slice(step.remoteUsed);
  }
  return { matched, differences };
}

describe('classify', () => {
  it('names each kind of difference and agrees on equal copies', () => {
    expect(classify(local('A'), null)).toBe('missingRemote');
    expect(classify(null, remote('A'))).toBe('unknownRemote');
    expect(classify(local('A', 2), remote('A', 1))).toBe('staleRemote');
    expect(classify(local('A', 1, 'active', H('a')), remote('A', 1, 'active', H('b')))).toBe('staleRemote');
    expect(classify(local('A', 2, 'revoked'), remote('A', 1, 'active'))).toBe('revokedLocally');
    expect(classify(local('A', 2, 'revoked'), remote('A', 2, 'revoked'))).toBeNull();
    expect(classify(local('A', 3), remote('A', 3))).toBeNull();
  });
});

describe('mergeStep', () => {
  it('stops at a dry buffer whose stream goes on, and drains one-sided entries once the other stream ended', () => {
    const partial = mergeStep([local('A'), local('C'), local('E')], [remote('A'), remote('B')], true, false);
    expect(partial).toMatchObject({ matched: 1, localUsed: 1, remoteUsed: 2 });
    expect(partial.differences).toEqual([{ kind: 'unknownRemote', recordId: 'B', localVersion: null, remoteVersion: 1 }]);

    const end = mergeStep([local('C'), local('E')], [], true, true);
    expect(end.differences.map((d) => d.kind)).toEqual(['missingRemote', 'missingRemote']);
    expect(end).toMatchObject({ localUsed: 2, remoteUsed: 0 });
  });

  it('gives the same answer whatever the page size', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `01J${String(i).padStart(23, '0')}`);
    const l: LocalEntry[] = [];
    const r: RemoteEntry[] = [];
    const expected: Array<[string, string]> = [];
    let same = 0;
    ids.forEach((id, i) => {
      if (i % 50 === 7) {
        r.push(remote(id));
        return void expected.push(['unknownRemote', id]);
      }
      if (i % 20 === 3) {
        l.push(local(id));
        return void expected.push(['missingRemote', id]);
      }
      if (i % 40 === 11) {
        l.push(local(id, 2));
        r.push(remote(id, 1));
        return void expected.push(['staleRemote', id]);
      }
      if (i % 60 === 13) {
        l.push(local(id, 2, 'revoked', H('c')));
        r.push(remote(id, 1));
        return void expected.push(['revokedLocally', id]);
      }
      l.push(local(id));
      r.push(remote(id));
      same++;
    });
    expect(new Set(expected.map(([k]) => k)).size).toBe(4);
    for (const size of [1, 3, 7, 64, 1000]) {
      const result = mergeAll(l, r, size);
      expect(result.differences).toEqual(expected);
      expect(result.matched).toBe(same);
    }
  });

  it('handles an empty side', () => {
    expect(mergeAll([], [remote('A'), remote('B')], 1).differences).toEqual([['unknownRemote', 'A'], ['unknownRemote', 'B']]);
    expect(mergeAll([local('A')], [], 5).differences).toEqual([['missingRemote', 'A']]);
    expect(mergeAll([], [], 5)).toEqual({ matched: 0, differences: [] });
  });
});

describe('outOfOrder', () => {
  it('accepts strictly ascending ids after the previous page and names the first that is not', () => {
    expect(outOfOrder([{ recordId: 'B' }, { recordId: 'C' }], 'A')).toBeNull();
    expect(outOfOrder([{ recordId: 'B' }, { recordId: 'B' }], null)).toBe('B follows B');
    expect(outOfOrder([{ recordId: 'A' }], 'A')).toBe('A follows A');
    expect(outOfOrder([{ recordId: 'a' }, { recordId: 'B' }], null)).toBe('B follows a');
  });
});
