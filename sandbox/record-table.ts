import { seeded } from './faults';

export type RecordStatus = 'active' | 'revoked';

/**
 * How the listing pages: in recordId order with a keyset cursor, or in a fixed shuffled order (a real platform
 * pages by update time, which is no order the gateway can rely on) with an offset cursor. With `repeat`, each
 * page after the first starts again that fraction of a page back, as cursors over changing data do.
 */
export interface ListingOrder {
  order: 'recordId' | 'shuffled';
  /** 0 to below 1. */
  repeat: number;
  /** The shuffle's seed: the same seed lists in the same order. */
  seed: number;
}

export const RECORD_ORDER: ListingOrder = { order: 'recordId', repeat: 0, seed: 1 };

/** What is wrong with a listing order, naming the field, or null. */
export function checkListingOrder(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'body: must be an object';
  const l = value as Partial<Record<keyof ListingOrder, unknown>>;
  const known = new Set(['order', 'repeat', 'seed']);
  for (const key of Object.keys(l)) if (!known.has(key)) return `${key}: unknown field`;
  if (l.order !== 'recordId' && l.order !== 'shuffled') return 'order: recordId or shuffled';
  if (l.repeat !== undefined && (typeof l.repeat !== 'number' || !(l.repeat >= 0 && l.repeat < 1))) return 'repeat: a number from 0 to below 1';
  if (l.seed !== undefined && !Number.isInteger(l.seed)) return 'seed: must be an integer';
  return null;
}

export interface HeldRecord {
  recordId: string;
  version: number;
  contentHash: string;
  status: RecordStatus;
  source: string;
  updatedAt: string;
}

export interface PageQuery {
  source?: string;
  status?: RecordStatus;
  /** Epoch milliseconds; only records stored later are listed. */
  updatedAfter?: number;
  /** From the previous page's nextCursor (opaque to clients). */
  cursor?: string;
  limit: number;
}

const STATUSES: RecordStatus[] = ['active', 'revoked'];

/**
 * What the platform holds, one row per record, in columns: a million rows cost a Map entry and about fifty
 * bytes rather than an object each, so benchmarks can fill it without a large heap.
 */
export class RecordTable {
  private readonly rows = new Map<string, number>();
  private ids: string[] = [];
  private versions = new Uint32Array(0);
  private updated = new Float64Array(0);
  private statuses = new Uint8Array(0);
  private sources = new Uint32Array(0);
  private hashes = Buffer.alloc(0);
  private readonly sourceNames: string[] = [];
  private readonly sourceIds = new Map<string, number>();
  // ULIDs mostly arrive in order, so appending keeps `sorted` sorted; the rest wait in `unsorted` for a merge.
  private sorted: string[] = [];
  private unsorted: string[] = [];
  private shuffled: { seed: number; rows: Uint32Array } | null = null;

  get size(): number {
    return this.ids.length;
  }

  versionOf(recordId: string): number | undefined {
    const row = this.rows.get(recordId);
    return row === undefined ? undefined : this.versions[row];
  }

  get(recordId: string): HeldRecord | undefined {
    const row = this.rows.get(recordId);
    return row === undefined ? undefined : this.read(row);
  }

  put(entry: Omit<HeldRecord, 'updatedAt'> & { updatedAt: number }): void {
    let row = this.rows.get(entry.recordId);
    if (row === undefined) {
      row = this.ids.length;
      if (row === this.versions.length) this.grow();
      this.ids.push(entry.recordId);
      this.rows.set(entry.recordId, row);
      const last = this.sorted[this.sorted.length - 1];
      if (!this.unsorted.length && (last === undefined || entry.recordId > last)) this.sorted.push(entry.recordId);
      else this.unsorted.push(entry.recordId);
    }
    this.versions[row] = entry.version;
    this.updated[row] = entry.updatedAt;
    this.statuses[row] = STATUSES.indexOf(entry.status);
    this.sources[row] = this.sourceId(entry.source);
    this.hashes.write(entry.contentHash, row * 32, 32, 'hex');
  }

  /**
   * A page of the listing in the given order; `nextCursor` is null once nothing follows. Throws a message naming
   * the cursor when it is not one this order hands out.
   */
  page(query: PageQuery, listing: ListingOrder = RECORD_ORDER): { items: HeldRecord[]; nextCursor: string | null } {
    const byId = listing.order === 'recordId';
    const order = byId ? this.inOrder() : null;
    const rows = byId ? null : this.shuffledRows(listing.seed);
    const length = byId ? order!.length : rows!.length;
    const rowAt = (i: number) => (byId ? this.rows.get(order![i])! : rows![i]);
    let i = 0;
    if (query.cursor !== undefined) {
      if (!byId && !/^s\d{1,10}$/.test(query.cursor)) throw new Error('cursor: not a cursor of this listing');
      const resumeAt = byId ? firstAfter(order!, query.cursor) : Number(query.cursor.slice(1));
      i = Math.max(0, resumeAt - Math.min(Math.floor(query.limit * listing.repeat), query.limit - 1));
    }
    const source = query.source === undefined ? undefined : this.sourceIds.get(query.source) ?? -1;
    const status = query.status === undefined ? undefined : STATUSES.indexOf(query.status);
    const items: HeldRecord[] = [];
    for (; i < length && items.length < query.limit; i++) {
      const row = rowAt(i);
      if (source !== undefined && this.sources[row] !== source) continue;
      if (status !== undefined && this.statuses[row] !== status) continue;
      if (query.updatedAfter !== undefined && !(this.updated[row] > query.updatedAfter)) continue;
      items.push(this.read(row));
    }
    const more = i < length && items.length > 0;
    return { items, nextCursor: !more ? null : byId ? items[items.length - 1].recordId : `s${i}` };
  }

  countBy(): Record<RecordStatus, number> {
    const counts = { active: 0, revoked: 0 };
    for (let row = 0; row < this.ids.length; row++) counts[STATUSES[this.statuses[row]]]++;
    return counts;
  }

  clear(): void {
    this.rows.clear();
    this.ids = [];
    this.sorted = [];
    this.unsorted = [];
    this.shuffled = null;
    this.versions = new Uint32Array(0);
    this.updated = new Float64Array(0);
    this.statuses = new Uint8Array(0);
    this.sources = new Uint32Array(0);
    this.hashes = Buffer.alloc(0);
  }

  private read(row: number): HeldRecord {
    return {
      recordId: this.ids[row],
      version: this.versions[row],
      contentHash: this.hashes.toString('hex', row * 32, row * 32 + 32),
      status: STATUSES[this.statuses[row]],
      source: this.sourceNames[this.sources[row]],
      updatedAt: new Date(this.updated[row]).toISOString(),
    };
  }

  private inOrder(): string[] {
    if (this.unsorted.length) {
      this.sorted = merge(this.sorted, this.unsorted.sort());
      this.unsorted = [];
    }
    return this.sorted;
  }

  /** Every row once, in an order fixed by the seed (Fisher-Yates), kept until rows are added. */
  private shuffledRows(seed: number): Uint32Array {
    if (this.shuffled?.seed === seed && this.shuffled.rows.length === this.ids.length) return this.shuffled.rows;
    const rows = new Uint32Array(this.ids.length);
    for (let r = 0; r < rows.length; r++) rows[r] = r;
    const random = seeded(seed);
    for (let r = rows.length - 1; r > 0; r--) {
      const j = Math.floor(random() * (r + 1));
      [rows[r], rows[j]] = [rows[j], rows[r]];
    }
    this.shuffled = { seed, rows };
    return rows;
  }

  private sourceId(name: string): number {
    let id = this.sourceIds.get(name);
    if (id === undefined) {
      id = this.sourceNames.push(name) - 1;
      this.sourceIds.set(name, id);
    }
    return id;
  }

  private grow(): void {
    const capacity = Math.max(1024, this.versions.length * 2);
    const copy = <T extends Uint32Array | Float64Array | Uint8Array>(old: T, next: T): T => (next.set(old), next);
    this.versions = copy(this.versions, new Uint32Array(capacity));
    this.updated = copy(this.updated, new Float64Array(capacity));
    this.statuses = copy(this.statuses, new Uint8Array(capacity));
    this.sources = copy(this.sources, new Uint32Array(capacity));
    const hashes = Buffer.alloc(capacity * 32);
    this.hashes.copy(hashes);
    this.hashes = hashes;
  }
}

function firstAfter(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function merge(a: string[], b: string[]): string[] {
  const out = new Array<string>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}
