import { createHash } from 'node:crypto';

// RFC 9162 section 2.1 (Certificate Transparency 2.0) Merkle tree hashing and proofs over SHA-256.
// Pure functions, no Nest and no database: the gateway, the CLI, the sandbox and any verifier share them.
// Sizes and indices are plain numbers (exact up to 2^53); no 32-bit bit operations are used on them.

export type Hash = Buffer;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256() (RFC 9162 section 2.1.1). */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

export function leafHash(input: Buffer | string): Hash {
  return createHash('sha256').update(LEAF_PREFIX).update(typeof input === 'string' ? Buffer.from(input, 'utf8') : input).digest();
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** A complete subtree of 2^level leaves, the index-th of its level: leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  level: number;
  index: number;
}

/** A range of leaves [start, end) whose Merkle tree hash (MTH of D[start:end]) a proof carries. */
export interface LeafRange {
  start: number;
  end: number;
}

/** The largest power of two smaller than n (n > 1): the split point k of RFC 9162. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The complete subtrees a range is made of, left to right, largest first. Every range a proof or a root needs
 * starts at a multiple of a power of two at least as large as the range, so its MTH is these nodes folded from
 * the right: MTH(D[a:b]) = H(n1, H(n2, ... nk)).
 */
export function rangeNodes({ start, end }: LeafRange): NodeId[] {
  const nodes: NodeId[] = [];
  let at = start;
  while (at < end) {
    let level = 0;
    while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= end) level++;
    nodes.push({ level, index: at / 2 ** level });
    at += 2 ** level;
  }
  return nodes;
}

/** Folds a range's nodes (from rangeNodes) into its hash. */
export function foldRange(hashes: Hash[]): Hash {
  if (!hashes.length) return EMPTY_ROOT;
  let acc = hashes[hashes.length - 1];
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i], acc);
  return acc;
}

/** The ranges of PATH(m, D[n]) (RFC 9162 section 2.1.3.1), in proof order: the leaf's sibling first. */
export function inclusionRanges(leafIndex: number, treeSize: number): LeafRange[] {
  if (!(leafIndex >= 0 && leafIndex < treeSize)) throw new RangeError(`leaf ${leafIndex} is not in a tree of size ${treeSize}`);
  const out: LeafRange[] = [];
  let [lo, hi] = [0, treeSize];
  // Walks down from the root, so siblings are found top first; the proof lists them bottom first.
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (leafIndex < lo + k) {
      out.push({ start: lo + k, end: hi });
      hi = lo + k;
    } else {
      out.push({ start: lo, end: lo + k });
      lo += k;
    }
  }
  return out.reverse();
}

/** The ranges of PROOF(m, D[n]) (RFC 9162 section 2.1.4.1), in proof order; empty when m = n. */
export function consistencyRanges(from: number, to: number): LeafRange[] {
  if (!(from >= 1 && from <= to)) throw new RangeError(`no consistency proof from ${from} to ${to}`);
  const out: LeafRange[] = [];
  let [lo, hi, m, complete] = [0, to, from, true];
  // SUBPROOF(m, D[lo:hi], complete), unrolled: each step appends one range after the deeper ones.
  while (m !== hi - lo) {
    const k = splitPoint(hi - lo);
    if (m <= k) {
      out.push({ start: lo + k, end: hi });
      hi = lo + k;
    } else {
      out.push({ start: lo, end: lo + k });
      m -= k;
      lo += k;
      complete = false;
    }
  }
  if (!complete) out.push({ start: lo, end: hi });
  return out.reverse();
}

/** The nodes the root of a tree of `size` leaves is folded from. */
export function rootRange(size: number): LeafRange {
  return { start: 0, end: size };
}

/** RFC 9162 section 2.1.3.2: does `path` lead from the leaf at `leafIndex` to `root` in a tree of `treeSize`? */
export function verifyInclusion(leaf: Hash, leafIndex: number, treeSize: number, path: Hash[], root: Hash): boolean {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
      }
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 section 2.1.4.2: is the tree (`to`, `toRoot`) an append-only extension of (`from`, `fromRoot`)? */
export function verifyConsistency(from: number, to: number, fromRoot: Hash, toRoot: Hash, proof: Hash[]): boolean {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || from > to) return false;
  if (from === to) return proof.length === 0 && fromRoot.equals(toRoot);
  if (!proof.length) return false;
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : proof;
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
      }
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && fr.equals(fromRoot) && sr.equals(toRoot);
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && 2 ** Math.round(Math.log2(n)) === n;
}

/**
 * The right edge of a growing tree: one hash per set bit of the size, so any number of leaves is folded into
 * a root in O(log n) memory (how a verifier recomputes a root while it streams the log).
 */
export class CompactRange {
  private readonly stack: Hash[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(leaf: Hash): void {
    let hash = leaf;
    // Each trailing 1-bit of the old size is a complete subtree the new leaf completes.
    for (let n = this.count; n % 2 === 1; n = Math.floor(n / 2)) hash = nodeHash(this.stack.pop()!, hash);
    this.stack.push(hash);
    this.count++;
  }

  root(): Hash {
    return foldRange(this.stack);
  }
}

export const toHex = (h: Hash): string => h.toString('hex');

/** A lowercase 64-digit hex hash as bytes, or null when it is not one. */
export function fromHex(hex: unknown): Hash | null {
  return typeof hex === 'string' && /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : null;
}
