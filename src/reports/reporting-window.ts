import type { CivilDate } from '../common/calendar';
import { FieldProblem, ValidationFailed } from '../common/http/api-error';

/**
 * The reporting calendar (DESIGN section 1): departments report closures before June (January to May) and
 * before December (June to November); counties submit their year summary by 21 December, covering the year up
 * to the day before; the city sums up the calendar year.
 */
export const PRESETS = {
  june: ['01-01', '05-31'],
  december: ['06-01', '11-30'],
  county_summary: ['01-01', '12-20'],
  year: ['01-01', '12-31'],
} as const;
export type Preset = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as Preset[];

export interface WindowRequest {
  from?: CivilDate;
  to?: CivilDate;
  preset?: Preset;
  year?: number;
}

/** Inclusive civil dates in the jurisdiction's zone. */
export interface ReportingWindow {
  from: CivilDate;
  to: CivilDate;
}

/** The period asked for: a preset of `year` (default: the year of `today`), or from and to. */
export function resolveWindow(request: WindowRequest, today: CivilDate): ReportingWindow {
  const problems: FieldProblem[] = [];
  if (request.preset) {
    if (request.from !== undefined || request.to !== undefined) {
      problems.push({ field: 'preset', message: 'give either preset (with year) or from and to, not both' });
    } else {
      const year = request.year ?? Number(today.slice(0, 4));
      const [start, end] = PRESETS[request.preset];
      return { from: `${year}-${start}`, to: `${year}-${end}` };
    }
  } else {
    if (request.year !== undefined) problems.push({ field: 'year', message: 'applies only with preset' });
    if (request.from === undefined) problems.push({ field: 'from', message: 'is required unless preset is given' });
    if (request.to === undefined) problems.push({ field: 'to', message: 'is required unless preset is given' });
    if (request.from && request.to && request.from > request.to) problems.push({ field: 'from', message: `must not be after to (${request.to})` });
  }
  if (problems.length) throw new ValidationFailed(problems);
  return { from: request.from!, to: request.to! };
}
