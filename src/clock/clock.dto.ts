import { IsInstant } from '../audit/dto/is-instant';
import type { Clock } from '../common/clock';

export class MoveClockDto {
  /** The instant to move the simulated clock to (ISO 8601 with offset); never earlier than its present. */
  @IsInstant() now: string;
}

export class ClockDto {
  /** `simulated` or `system`. */
  mode: 'simulated' | 'system';
  /** The clock's present (ISO 8601). */
  now: string;
}

export function clockState(clock: Clock): ClockDto {
  return { mode: clock.simulated ? 'simulated' : 'system', now: clock.now().toISOString() };
}
