import {
  consistencyRanges,
  EMPTY_ROOT,
  foldRange,
  Hash,
  inclusionRanges,
  LeafRange,
  nodeHash,
  NodeId,
  rangeNodes,
  rootRange,
} from './merkle';

// The tree is stored as tiles, as Go's tlog and Tessera store theirs: tile (L, i) holds the hashes of the
// complete subtrees of height `height`·L numbered i·2^height to (i+1)·2^height - 1, as one byte string that only
// ever grows (a partial tile at the right edge is rewritten longer). Any node of any tree size up to the stored
// one is a tile's hash or is folded from at most 2^height - 1 of them, so a proof over n leaves reads
// O(log n / height) tiles whatever n is, and the leaves themselves are never read again.

export const HASH_BYTES = 32;
export const TILE_HEIGHT = 8;

export interface TileId {
  level: number;
  index: number;
}

/** Where stored tiles come from: their bottom rows, as kept (an absent tile is simply left out). */
export type TileLoader = (ids: TileId[]) => Promise<Map<string, Buffer>>;

export const tileKey = (t: TileId): string => `${t.level}/${t.index}`;

/** A tile's bottom row and the inner rows computed from it on first use. */
class Tile {
  private readonly rows: Hash[][];

  constructor(
    readonly bottom: Buffer,
    private readonly height: number,
  ) {
    this.rows = [Array.from({ length: bottom.length / HASH_BYTES }, (_, i) => bottom.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES))];
  }

  get width(): number {
    return this.rows[0].length;
  }

  /** The hash `offset` of the tile's inner row `row` (row 0 is the bottom). */
  node(row: number, offset: number): Hash {
    for (let r = this.rows.length; r <= row; r++) {
      const below = this.rows[r - 1];
      this.rows.push(Array.from({ length: Math.floor(below.length / 2) }, (_, i) => nodeHash(below[2 * i], below[2 * i + 1])));
    }
    const hash = this.rows[row][offset];
    if (!hash) throw new Error(`tile has ${this.width} hashes, too few for node ${offset} of row ${row} (height ${this.height})`);
    return hash;
  }
}

/** Where a node lies: its tile, its row and offset there, and how wide the tile's bottom row must be to hold it. */
function locate(node: NodeId, height: number): { tile: TileId; row: number; offset: number; width: number } {
  const row = node.level % height;
  const perTile = 2 ** (height - row);
  const offset = node.index % perTile;
  return {
    tile: { level: (node.level - row) / height, index: Math.floor(node.index / perTile) },
    row,
    offset,
    width: (offset + 1) * 2 ** row,
  };
}

/**
 * Reads nodes, roots and proofs from tiles, keeping recently used tiles (and their computed rows) in memory.
 * Tiles only grow, so a cached tile answers every node it is wide enough for; a narrower one is read again.
 */
export class TiledTree {
  private readonly cache = new Map<string, Tile>();

  constructor(
    private readonly load: TileLoader,
    readonly height = TILE_HEIGHT,
    private readonly maxCachedTiles = 2048,
  ) {}

  async root(size: number): Promise<Hash> {
    return size === 0 ? EMPTY_ROOT : (await this.ranges([rootRange(size)]))[0];
  }

  async inclusion(leafIndex: number, treeSize: number): Promise<Hash[]> {
    return this.ranges(inclusionRanges(leafIndex, treeSize));
  }

  /** Several inclusion proofs against one tree size, their tiles read together. */
  async inclusions(leafIndices: number[], treeSize: number): Promise<Hash[][]> {
    const plans = leafIndices.map((i) => inclusionRanges(i, treeSize));
    const flat = await this.ranges(plans.flat());
    let at = 0;
    return plans.map((p) => flat.slice(at, (at += p.length)));
  }

  async consistency(from: number, to: number): Promise<Hash[]> {
    return this.ranges(consistencyRanges(from, to));
  }

  /** The MTH of each range, reading every tile they need in one load. */
  async ranges(ranges: LeafRange[]): Promise<Hash[]> {
    const perRange = ranges.map(rangeNodes);
    const tiles = await this.tilesFor(perRange.flat());
    return perRange.map((nodes) => foldRange(nodes.map((n) => this.nodeIn(tiles, n))));
  }

  /** Puts tiles just written (or known to be stored) into the cache. */
  remember(tiles: Map<string, Buffer>): void {
    for (const [key, bottom] of tiles) this.put(key, new Tile(bottom, this.height));
  }

  /** Forgets every cached tile (after the stored tree was found to differ from what was cached). */
  forget(): void {
    this.cache.clear();
  }

  /** The stored bottom row of a tile, read again unless the cached copy holds `width` hashes; empty when absent. */
  async bottom(id: TileId, width: number): Promise<Buffer> {
    const key = tileKey(id);
    if ((this.cache.get(key)?.width ?? -1) < width) {
      const loaded = await this.load([id]);
      const bottom = loaded.get(key);
      if (bottom) this.put(key, new Tile(bottom, this.height));
    }
    return this.cache.get(key)?.bottom ?? Buffer.alloc(0);
  }

  /**
   * The tiles holding these nodes, from the cache or read in one load. They are returned, not only cached, so
   * that the cache evicting some while others are put in can never take a tile from under the computation.
   */
  private async tilesFor(nodes: NodeId[]): Promise<Map<string, Tile>> {
    const tiles = new Map<string, Tile>();
    const missing = new Map<string, TileId>();
    for (const node of nodes) {
      const { tile, width } = locate(node, this.height);
      const key = tileKey(tile);
      const cached = tiles.get(key) ?? this.cache.get(key);
      if (cached && cached.width >= width) tiles.set(key, cached);
      else missing.set(key, tile);
    }
    if (missing.size) {
      for (const [key, bottom] of await this.load([...missing.values()])) {
        const tile = new Tile(bottom, this.height);
        tiles.set(key, tile);
        this.put(key, tile);
      }
    }
    return tiles;
  }

  private nodeIn(tiles: Map<string, Tile>, node: NodeId): Hash {
    const { tile, row, offset, width } = locate(node, this.height);
    const found = tiles.get(tileKey(tile));
    if (!found || found.width < width) {
      throw new Error(`the stored tree lacks node ${node.level}/${node.index} (tile ${tileKey(tile)} holds ${found?.width ?? 0} of the ${width} hashes it needs)`);
    }
    return found.node(row, offset);
  }

  private put(key: string, tile: Tile): void {
    this.cache.delete(key);
    this.cache.set(key, tile);
    if (this.cache.size > this.maxCachedTiles) this.cache.delete(this.cache.keys().next().value!);
  }
}

/**
 * Appends leaves to a tree of `size` leaves stored as tiles: returns every tile that changed (the right-edge
 * tiles, longer now, and the ones filled on the way), ready to be written and given to TiledTree.remember.
 */
export async function appendLeaves(tree: TiledTree, size: number, leaves: Hash[]): Promise<Map<string, Buffer>> {
  const perTile = 2 ** tree.height;
  const end = size + leaves.length;
  type OpenTile = { level: number; index: number; hashes: Hash[] };
  // The open (partial) tile of each tile level that has any node by the end, read as stored so far.
  const open: OpenTile[] = [];
  for (let level = 0; level === 0 || Math.floor(end / perTile ** level) > 0; level++) {
    const count = Math.floor(size / perTile ** level);
    const index = Math.floor(count / perTile);
    const width = count % perTile;
    const bottom = width ? await tree.bottom({ level, index }, width) : Buffer.alloc(0);
    if (bottom.length < width * HASH_BYTES) {
      throw new Error(`the stored tree lacks tile ${level}/${index}: it holds ${bottom.length / HASH_BYTES} of the ${width} hashes a tree of ${size} needs`);
    }
    open.push({ level, index, hashes: Array.from({ length: width }, (_, i) => bottom.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES)) });
  }
  const touched = new Set<OpenTile>();
  const push = (level: number, hash: Hash): void => {
    const tile = open[level];
    tile.hashes.push(hash);
    touched.add(tile);
    if (tile.hashes.length < perTile) return;
    let row = tile.hashes;
    while (row.length > 1) row = Array.from({ length: row.length / 2 }, (_, i) => nodeHash(row[2 * i], row[2 * i + 1]));
    open[level] = { level, index: tile.index + 1, hashes: [] };
    push(level + 1, row[0]);
  };
  for (const leaf of leaves) push(0, leaf);
  return new Map([...touched].map((t) => [tileKey(t), Buffer.concat(t.hashes)]));
}
