import { createHash } from 'node:crypto';

/** Lookups waiting to be written, column by column as the INSERT's unnest takes them: one row per request. */
export interface QueryColumns {
  principalIds: string[];
  /** The code of a single lookup; '' for a batch, whose codes are kept as their count and hash. */
  usccs: string[];
  ats: string[];
  batch: boolean[];
  counts: number[];
  /** SHA-256 hex of a batch's codes joined by commas in request order; '' for a single lookup. */
  hashes: string[];
}

const COLUMNS = ['principalIds', 'usccs', 'ats', 'batch', 'counts', 'hashes'] as const;

/**
 * A bounded in-memory queue of lookups. Past its bound the oldest rows go first and the caller is told how
 * many, so that nothing is dropped without a log line.
 */
export class QueryBuffer {
  private rows: QueryColumns = empty();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.rows.usccs.length;
  }

  /**
   * Adds one row for the request: a single lookup keeps its code; a batch its number of codes and their hash,
   * so the log grows by one row per request whatever the batch size. Returns how many old rows were dropped.
   */
  add(principalId: string, usccs: readonly string[], at: string, batch: boolean): number {
    this.rows.principalIds.push(principalId);
    this.rows.usccs.push(batch ? '' : usccs[0]);
    this.rows.ats.push(at);
    this.rows.batch.push(batch);
    this.rows.counts.push(usccs.length);
    this.rows.hashes.push(batch ? batchHash(usccs) : '');
    return this.trim();
  }

  /** Removes and returns up to n of the oldest rows. */
  take(n: number): QueryColumns {
    if (n >= this.size) {
      const all = this.rows;
      this.rows = empty();
      return all;
    }
    const taken = empty();
    for (const column of COLUMNS) (taken[column] as unknown[]) = this.rows[column].splice(0, n);
    return taken;
  }

  /** Returns rows a failed write took, ahead of newer ones; returns how many were dropped to stay within the bound. */
  putBack(taken: QueryColumns): number {
    for (const column of COLUMNS) (this.rows[column] as unknown[]) = (taken[column] as unknown[]).concat(this.rows[column]);
    return this.trim();
  }

  private trim(): number {
    const excess = this.size - this.max;
    if (excess <= 0) return 0;
    this.take(excess);
    return excess;
  }
}

/** What an auditor holding a batch request recomputes to match it with its row. */
export function batchHash(usccs: readonly string[]): string {
  return createHash('sha256').update(usccs.join(',')).digest('hex');
}

function empty(): QueryColumns {
  return { principalIds: [], usccs: [], ats: [], batch: [], counts: [], hashes: [] };
}
