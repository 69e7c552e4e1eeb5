import { HttpStatus, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../audit/request-actor';
import { Clock } from '../common/clock';
import { ApiError } from '../common/http/api-error';
import { ClockDto, clockState } from './clock.dto';
import { SimulatedClock } from './simulated-clock';

@Injectable()
export class ClockService {
  constructor(
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** Moves a simulated clock forward: 404 on the system clock, 409 for an instant already past. */
  async move(to: Date, actor: Actor): Promise<ClockDto> {
    if (!(this.clock instanceof SimulatedClock)) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'CLOCK_NOT_SIMULATED', 'the gateway runs on the system clock; only a simulated clock (GATEWAY_CLOCK=simulated) can be moved');
    }
    if (Number.isNaN(to.getTime())) throw new ApiError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'now: not an instant', [{ field: 'now', message: 'not an instant' }]);
    const before = clockState(this.clock);
    if (!(await this.clock.moveTo(to, actor.name))) {
      const now = this.clock.now().toISOString();
      throw new ApiError(HttpStatus.CONFLICT, 'CLOCK_BACKWARDS', `now: the simulated clock only moves forward; it is already ${now}`, {
        field: 'now',
        current: now,
      });
    }
    const after = clockState(this.clock);
    await this.audit.record(null, { actor, action: 'clock.move', subjectType: 'clock', before, after });
    return after;
  }
}
