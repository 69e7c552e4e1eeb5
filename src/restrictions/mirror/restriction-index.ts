import type { HeldRecord, RestrictionRow } from '../restrictions.repository';

/**
 * The restrictions table held in memory: per code, the records that restrict it and their measures. Answers
 * exactly what RestrictionsRepository.find answers, in the same order (code, domain, record).
 */
export class RestrictionIndex {
  private readonly byCode = new Map<string, HeldRecord[]>();
  private readonly codeOf = new Map<string, string>();

  get records(): number {
    return this.codeOf.size;
  }

  /** Replaces what the index holds for each record id with the rows given; ids without a row are dropped. */
  replace(recordIds: Iterable<string>, rows: readonly HeldRecord[]): void {
    for (const id of recordIds) this.drop(id);
    for (const row of rows) this.put(row);
  }

  find(usccs: readonly string[], domains: readonly string[]): RestrictionRow[] {
    const wanted = new Set(domains);
    const rows: RestrictionRow[] = [];
    for (const uscc of [...new Set(usccs)].sort()) {
      for (const held of this.byCode.get(uscc) ?? []) {
        for (const domain of held.measures) {
          if (wanted.has(domain)) rows.push({ uscc, domain, record_id: held.record_id, since: held.since });
        }
      }
    }
    return rows.sort(byDomainThenRecord);
  }

  private put(row: HeldRecord): void {
    this.drop(row.record_id);
    const held = { record_id: row.record_id, uscc: row.uscc, measures: [...row.measures], since: row.since };
    const list = this.byCode.get(row.uscc);
    if (list) list.push(held);
    else this.byCode.set(row.uscc, [held]);
    this.codeOf.set(row.record_id, row.uscc);
  }

  private drop(recordId: string): void {
    const uscc = this.codeOf.get(recordId);
    if (uscc === undefined) return;
    this.codeOf.delete(recordId);
    const rest = this.byCode.get(uscc)!.filter((h) => h.record_id !== recordId);
    if (rest.length) this.byCode.set(uscc, rest);
    else this.byCode.delete(uscc);
  }
}

// Codes are already in order; within one, PostgreSQL's ORDER BY uscc, domain, record_id.
function byDomainThenRecord(a: RestrictionRow, b: RestrictionRow): number {
  return a.uscc === b.uscc ? (a.domain === b.domain ? cmp(a.record_id, b.record_id) : cmp(a.domain, b.domain)) : cmp(a.uscc, b.uscc);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
