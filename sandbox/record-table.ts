export type RecordStatus = 'active' | 'revoked';

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
  /** The last recordId of the previous page. */
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

  /** Keyset paging in recordId order; `nextCursor` is null once nothing follows. */
  page(query: PageQuery): { items: HeldRecord[]; nextCursor: string | null } {
    const order = this.inOrder();
    const source = query.source === undefined ? undefined : this.sourceIds.get(query.source) ?? -1;
    const status = query.status === undefined ? undefined : STATUSES.indexOf(query.status);
    const items: HeldRecord[] = [];
    let i = query.cursor === undefined ? 0 : firstAfter(order, query.cursor);
    for (; i < order.length && items.length < query.limit; i++) {
      const row = this.rows.get(order[i])!;
      if (source !== undefined && this.sources[row] !== source) continue;
      if (status !== undefined && this.statuses[row] !== status) continue;
      if (query.updatedAfter !== undefined && !(this.updated[row] > query.updatedAfter)) continue;
      items.push(this.read(row));
    }
    return { items, nextCursor: i < order.length && items.length ? items[items.length - 1].recordId : null };
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
