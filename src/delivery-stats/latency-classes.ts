/**
 * Attempt latencies are kept as counts per class, so that any span of minutes or hours merges by adding counts
 * and still yields percentiles. Class 0 holds 0 ms; class c >= 1 holds [2^((c-1)/4), 2^(c/4)) ms, four classes per
 * doubling (each about 19% wide), so a percentile read back is within 10% of the true one (and
 * then rounded to whole milliseconds). The last class holds
 * everything from 2^(70/4) ms (about three minutes, beyond any push timeout) on.
 */
export const LATENCY_CLASSES = 72;

/** The same rule in SQL, over a column of milliseconds (kept beside the TS so the two never drift; a test checks). */
export const LATENCY_CLASS_SQL = (column: string): string =>
  `LEAST(${LATENCY_CLASSES - 1}, CASE WHEN ${column} < 1 THEN 0 ELSE 1 + floor(4 * ln(${column}::float8) / ln(2::float8))::int END)`;

export function latencyClass(ms: number): number {
  if (ms < 1) return 0;
  return Math.min(LATENCY_CLASSES - 1, 1 + Math.floor((4 * Math.log(ms)) / Math.LN2));
}

/** The class's geometric middle, as whole milliseconds: what a percentile falling in it reads as. */
export function classMiddleMs(c: number): number {
  return c === 0 ? 0 : Math.round(2 ** ((c - 0.5) / 4));
}

/** Adds counts class by class; the arrays may have different lengths (trailing empty classes are not stored). */
export function addCounts(into: number[], more: readonly number[]): number[] {
  for (let i = 0; i < more.length; i++) into[i] = (into[i] ?? 0) + more[i];
  return into;
}

/** The q-quantile (0 < q <= 1) of the counted latencies, nearest-rank, or null when nothing was counted. */
export function percentileMs(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (!total) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let c = 0; c < counts.length; c++) {
    seen += counts[c] ?? 0;
    if (seen >= rank) return classMiddleMs(c);
  }
  return classMiddleMs(counts.length - 1);
}

/** Counts without their trailing empty classes, as stored. */
export function trimmed(counts: readonly number[]): number[] {
  let end = counts.length;
  while (end > 0 && !counts[end - 1]) end--;
  return counts.slice(0, end);
}
