/**
 * Civil dates ("YYYY-MM-DD") in the jurisdiction's time zone. Deadlines are calendar dates, inclusive:
 * an obligation is overdue from 00:00 of the day after its deadline, local time.
 */
export type CivilDate = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Years a date may name: PostgreSQL has no year 0, and nothing the gateway handles lies outside these. */
const FIRST_YEAR = 1900;
const LAST_YEAR = 9999;

export function parseCivilDate(value: string): { y: number; m: number; d: number } | null {
  const match = DATE_RE.exec(value);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (y < FIRST_YEAR || y > LAST_YEAR || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

export function isCivilDate(value: unknown): value is CivilDate {
  return typeof value === 'string' && parseCivilDate(value) !== null;
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function format(y: number, m: number, d: number): CivilDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function mustParse(value: CivilDate): { y: number; m: number; d: number } {
  const parsed = parseCivilDate(value);
  if (!parsed) throw new RangeError(`not a calendar date: ${value}`);
  return parsed;
}

/** Calendar months with month-end clamp: 2024-03-31 + 6 months = 2024-09-30; 2024-08-31 + 6 = 2025-02-28. */
export function addMonths(date: CivilDate, months: number): CivilDate {
  const { y, m, d } = mustParse(date);
  const index = y * 12 + (m - 1) + months;
  const ny = Math.floor(index / 12);
  const nm = (index % 12) + 1;
  return format(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

export function addDays(date: CivilDate, days: number): CivilDate {
  const { y, m, d } = mustParse(date);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return format(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

// Building a formatter costs ten times more than using one; bulk intake asks for today once per row.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The civil date of an instant in a time zone. */
export function civilDateAt(instant: Date, timeZone: string): CivilDate {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** True once the deadline day has ended in the given zone. */
export function isOverdue(deadline: CivilDate, instant: Date, timeZone: string): boolean {
  return civilDateAt(instant, timeZone) > deadline;
}
