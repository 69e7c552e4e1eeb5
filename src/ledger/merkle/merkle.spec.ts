import { createHash } from 'node:crypto';
import {
  CompactRange,
  consistencyRanges,
  EMPTY_ROOT,
  foldRange,
  Hash,
  inclusionRanges,
  leafHash,
  rangeNodes,
  verifyConsistency,
  verifyInclusion,
} from './merkle';
import { appendLeaves, TiledTree, TileId, tileKey } from './tiled-tree';

// An implementation of RFC 9162 section 2.1 written straight from its recursive definitions, sharing nothing
// with the production code (its own SHA-256 calls, no ranges, no tiles), to check that code against.
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const refLeaf = (d: Buffer) => sha(Buffer.from([0]), d);
const refNode = (l: Buffer, r: Buffer) => sha(Buffer.from([1]), l, r);
const k = (n: number) => {
  let p = 1;
  while (p << 1 < n) p <<= 1;
  return p;
};
function mth(d: Buffer[]): Buffer {
  if (d.length === 0) return sha();
  if (d.length === 1) return refLeaf(d[0]);
  return refNode(mth(d.slice(0, k(d.length))), mth(d.slice(k(d.length))));
}
function path(m: number, d: Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  const s = k(d.length);
  return m < s ? [...path(m, d.slice(0, s)), mth(d.slice(s))] : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
}
function subproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))] : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}
const proof = (m: number, d: Buffer[]) => subproof(m, d, true);

/** The production code's proofs, folded from its ranges over a leaf list held in memory. */
function rangesToHashes(ranges: { start: number; end: number }[], leaves: Hash[]): Hash[] {
  return ranges.map((r) => {
    const c = new CompactRange();
    for (const l of leaves.slice(r.start, r.end)) c.append(l);
    return c.root();
  });
}

const hex = (b: Buffer) => b.toString('hex');

// The leaf inputs of the Certificate Transparency reference tests (RFC 6962 test data).
const D = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const L = D.map((d) => leafHash(d));
const N = (l: Buffer, r: Buffer) => sha(Buffer.from([1]), l, r);

describe('RFC 9162 Merkle tree, vectors derived by hand for 1-8 leaves', () => {
  // Each root spelled out: the left subtree is the largest power of two below n (RFC 9162 section 2.1.1).
  const n01 = N(L[0], L[1]);
  const n23 = N(L[2], L[3]);
  const n45 = N(L[4], L[5]);
  const n67 = N(L[6], L[7]);
  const n0123 = N(n01, n23);
  const roots = [
    L[0],
    n01,
    N(n01, L[2]),
    n0123,
    N(n0123, L[4]),
    N(n0123, n45),
    N(n0123, N(n45, L[6])),
    N(n0123, N(n45, n67)),
  ];

  it('has the roots spelled out, which are the published reference roots', () => {
    const published = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    expect(roots.map(hex)).toEqual(published);
    for (let n = 1; n <= 8; n++) {
      const c = new CompactRange();
      L.slice(0, n).forEach((l) => c.append(l));
      expect(hex(c.root())).toBe(published[n - 1]);
      expect(hex(foldRange(rangeNodes({ start: 0, end: n }).map((node) => mth(D.slice(node.index * 2 ** node.level, (node.index + 1) * 2 ** node.level)))))).toBe(published[n - 1]);
    }
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  // [leafIndex, treeSize, audit path] worked out on paper from PATH(m, D[n]).
  const inclusions: Array<[number, number, Buffer[]]> = [
    [0, 1, []],
    [0, 2, [L[1]]],
    [1, 2, [L[0]]],
    [2, 3, [n01]],
    [0, 3, [L[1], L[2]]],
    [3, 4, [L[2], n01]],
    [4, 5, [n0123]],
    [1, 5, [L[0], n23, L[4]]],
    [3, 6, [L[2], n01, n45]],
    [5, 6, [L[4], n0123]],
    [6, 7, [n45, n0123]],
    [4, 7, [L[5], L[6], n0123]],
    [0, 8, [L[1], n23, N(n45, n67)]],
    [5, 8, [L[4], n67, n0123]],
    [7, 8, [L[6], n45, n0123]],
  ];

  it.each(inclusions)('inclusion of leaf %i in a tree of %i', (m, n, expected) => {
    const leaves = L.slice(0, n);
    expect(rangesToHashes(inclusionRanges(m, n), leaves).map(hex)).toEqual(expected.map(hex));
    expect(verifyInclusion(L[m], m, n, expected, roots[n - 1])).toBe(true);
  });

  // [from, to, proof] worked out on paper from PROOF(m, D[n]); 3 → 7 and 4 → 7 are RFC 6962's own examples.
  const consistencies: Array<[number, number, Buffer[]]> = [
    [1, 1, []],
    [1, 2, [L[1]]],
    [1, 8, [L[1], n23, N(n45, n67)]],
    [2, 5, [n23, L[4]]],
    [3, 7, [L[2], L[3], n01, N(n45, L[6])]],
    [4, 7, [N(n45, L[6])]],
    [6, 7, [n45, L[6], n0123]],
    [6, 8, [n45, n67, n0123]],
    [7, 8, [L[6], L[7], n45, n0123]],
    [5, 5, []],
  ];

  it.each(consistencies)('consistency from %i to %i', (m, n, expected) => {
    expect(rangesToHashes(consistencyRanges(m, n), L).map(hex)).toEqual(expected.map(hex));
    expect(verifyConsistency(m, n, roots[m - 1], roots[n - 1], expected)).toBe(true);
  });

  it('refuses a proof that is wrong in any way', () => {
    const [m, n, good] = inclusions[11];
    expect(verifyInclusion(L[m], m, n, good, roots[5])).toBe(false); // another root
    expect(verifyInclusion(L[m + 1], m, n, good, roots[n - 1])).toBe(false); // another leaf
    expect(verifyInclusion(L[m], m + 1, n, good, roots[n - 1])).toBe(false); // another index
    expect(verifyInclusion(L[m], m, n, good.slice(0, -1), roots[n - 1])).toBe(false); // too short
    expect(verifyInclusion(L[m], m, n, [...good, L[0]], roots[n - 1])).toBe(false); // too long
    expect(verifyInclusion(L[m], m, n, [...good].reverse(), roots[n - 1])).toBe(false); // reordered
    expect(verifyInclusion(L[0], 8, 8, [], roots[7])).toBe(false); // index beyond the tree
    const [from, to, proof37] = consistencies[4];
    expect(verifyConsistency(from, to, roots[from - 1], roots[to - 1], proof37)).toBe(true);
    expect(verifyConsistency(from, to, roots[1], roots[to - 1], proof37)).toBe(false); // the old root rewritten
    expect(verifyConsistency(from, to, roots[from - 1], roots[7], proof37)).toBe(false);
    expect(verifyConsistency(from, to, roots[from - 1], roots[to - 1], proof37.slice(1))).toBe(false);
    expect(verifyConsistency(from, to, roots[from - 1], roots[to - 1], [])).toBe(false);
    expect(verifyConsistency(5, 5, roots[4], roots[5], [])).toBe(false);
    expect(verifyConsistency(0, 3, EMPTY_ROOT, roots[2], [])).toBe(false);
  });
});

describe('RFC 9162 Merkle tree against the independent implementation', () => {
  const data = Array.from({ length: 40 }, (_, i) => Buffer.from(`entry ${i}`));
  const leaves = data.map((d) => leafHash(d));

  it('agrees on every root, inclusion and consistency proof up to 40 leaves', () => {
    for (let n = 1; n <= 40; n++) {
      const c = new CompactRange();
      leaves.slice(0, n).forEach((l) => c.append(l));
      const root = mth(data.slice(0, n));
      expect(hex(c.root())).toBe(hex(root));
      for (let m = 0; m < n; m++) {
        const expected = path(m, data.slice(0, n));
        expect(rangesToHashes(inclusionRanges(m, n), leaves).map(hex)).toEqual(expected.map(hex));
        expect(verifyInclusion(leaves[m], m, n, expected, root)).toBe(true);
      }
      for (let m = 1; m <= n; m++) {
        const expected = proof(m, data.slice(0, n));
        expect(rangesToHashes(consistencyRanges(m, n), leaves).map(hex)).toEqual(expected.map(hex));
        expect(verifyConsistency(m, n, mth(data.slice(0, m)), root, expected)).toBe(true);
      }
    }
  });
});

describe('TiledTree', () => {
  function memoryStore() {
    const tiles = new Map<string, Buffer>();
    let loads = 0;
    return {
      tiles,
      loads: () => loads,
      load: async (ids: TileId[]) => {
        loads++;
        return new Map(ids.map((id) => [tileKey(id), tiles.get(tileKey(id))]).filter((e): e is [string, Buffer] => !!e[1]));
      },
    };
  }

  async function grow(height: number, sizes: number[], data: Buffer[]) {
    const store = memoryStore();
    const tree = new TiledTree(store.load, height);
    let size = 0;
    for (const next of sizes) {
      const changed = await appendLeaves(tree, size, data.slice(size, next).map((d) => leafHash(d)));
      for (const [key, bottom] of changed) {
        const before = store.tiles.get(key);
        // Tiles only grow: what was stored stays a prefix of what replaces it.
        if (before) expect(bottom.subarray(0, before.length).equals(before)).toBe(true);
        store.tiles.set(key, bottom);
      }
      tree.remember(changed);
      size = next;
    }
    return { store, tree };
  }

  it.each([1, 2, 3])('with tiles of height %i, answers every root and proof of every earlier size', async (height) => {
    const data = Array.from({ length: 40 }, (_, i) => Buffer.from(`leaf-${i}`));
    const { store } = await grow(height, [1, 2, 5, 8, 9, 16, 17, 31, 33, 40], data);
    // A fresh reader with an empty cache, as another instance would be.
    const tree = new TiledTree(store.load, height);
    for (let n = 1; n <= 40; n++) {
      const d = data.slice(0, n);
      expect(hex(await tree.root(n))).toBe(hex(mth(d)));
      for (let m = 0; m < n; m++) expect((await tree.inclusion(m, n)).map(hex)).toEqual(path(m, d).map(hex));
      for (let m = 1; m <= n; m++) expect((await tree.consistency(m, n)).map(hex)).toEqual(proof(m, d).map(hex));
    }
    expect(hex(await tree.root(0))).toBe(hex(sha()));
  });

  it('with the default height, crosses tile levels and reads O(log n) tiles in one load per proof', async () => {
    const n = 70_000; // past 256 and 65,536 leaves: three tile levels
    const data = Array.from({ length: n }, (_, i) => Buffer.from(String(i)));
    const { store } = await grow(8, [255, 256, 257, 65_535, 65_536, 65_600, n], data);
    expect(store.tiles.get('2/0')?.length).toBe(32); // one complete subtree of 65,536 leaves
    const tree = new TiledTree(store.load, 8);
    const c = new CompactRange();
    data.forEach((d) => c.append(leafHash(d)));
    expect(hex(await tree.root(n))).toBe(hex(c.root()));
    const before = store.loads();
    const sample = 65_599;
    const proofPath = await tree.inclusion(sample, n);
    expect(store.loads() - before).toBe(1);
    expect(verifyInclusion(leafHash(data[sample]), sample, n, proofPath, c.root())).toBe(true);
    const many = await tree.inclusions([0, 300, 69_999], n);
    expect(many.every((p, i) => verifyInclusion(leafHash(data[[0, 300, 69_999][i]]), [0, 300, 69_999][i], n, p, c.root()))).toBe(true);
    const c1 = new CompactRange();
    data.slice(0, 65_536).forEach((d) => c1.append(leafHash(d)));
    expect(verifyConsistency(65_536, n, c1.root(), c.root(), await tree.consistency(65_536, n))).toBe(true);
  });

  it('keeps answering when a proof needs more tiles than its cache holds', async () => {
    const data = Array.from({ length: 64 }, (_, i) => Buffer.from(`c${i}`));
    const { store } = await grow(1, [64], data);
    const tree = new TiledTree(store.load, 1, 2);
    for (const m of [0, 37, 63]) expect((await tree.inclusion(m, 64)).map(hex)).toEqual(path(m, data).map(hex));
    expect(hex(await tree.root(64))).toBe(hex(mth(data)));
  });

  it('names the missing tile when the stored tree is shorter than asked', async () => {
    const data = Array.from({ length: 10 }, (_, i) => Buffer.from(`x${i}`));
    const { store } = await grow(2, [10], data);
    const tree = new TiledTree(store.load, 2);
    await expect(tree.root(11)).rejects.toThrow('the stored tree lacks node');
    await expect(appendLeaves(tree, 12, [leafHash('y')])).rejects.toThrow('the stored tree lacks tile');
  });
});
