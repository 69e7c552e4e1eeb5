/** Lookups waiting to be written, column by column as the INSERT's unnest takes them. */
export interface QueryColumns {
  principalIds: string[];
  usccs: string[];
  ats: string[];
  batch: boolean[];
}

/**
 * A bounded in-memory queue of looked-up codes. Past its bound the oldest rows go first and the caller is
 * told how many, so that nothing is dropped without a log line.
 */
export class QueryBuffer {
  private rows: QueryColumns = empty();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.rows.usccs.length;
  }

  /** Adds one row per code; returns how many old rows were dropped to stay within the bound. */
  add(principalId: string, usccs: readonly string[], at: string, batch: boolean): number {
    for (const uscc of usccs) {
      this.rows.principalIds.push(principalId);
      this.rows.usccs.push(uscc);
      this.rows.ats.push(at);
      this.rows.batch.push(batch);
    }
    return this.trim();
  }

  /** Removes and returns up to n of the oldest rows. */
  take(n: number): QueryColumns {
    if (n >= this.size) {
      const all = this.rows;
      this.rows = empty();
      return all;
    }
    const r = this.rows;
    return { principalIds: r.principalIds.splice(0, n), usccs: r.usccs.splice(0, n), ats: r.ats.splice(0, n), batch: r.batch.splice(0, n) };
  }

  /** Returns rows a failed write took, ahead of newer ones; returns how many were dropped to stay within the bound. */
  putBack(taken: QueryColumns): number {
    const r = this.rows;
    this.rows = {
      principalIds: taken.principalIds.concat(r.principalIds),
      usccs: taken.usccs.concat(r.usccs),
      ats: taken.ats.concat(r.ats),
      batch: taken.batch.concat(r.batch),
    };
    return this.trim();
  }

  private trim(): number {
    const excess = this.size - this.max;
    if (excess <= 0) return 0;
    this.take(excess);
    return excess;
  }
}

function empty(): QueryColumns {
  return { principalIds: [], usccs: [], ats: [], batch: [] };
}
