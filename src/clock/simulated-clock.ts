import { Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { ClockConfig } from '../config/config.schema';
import type { ClockRepository } from './clock.repository';

/**
 * A clock that runs at real speed from a stored offset and is moved forward on request, as Stripe's test clocks
 * are (DESIGN section 3). Each instance re-reads the offset every `refreshMs` and before every sweep.
 */
export class SimulatedClock extends Clock {
  private readonly logger = new Logger('Clock');
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly store: ClockRepository,
    private offsetMs: number,
  ) {
    super();
  }

  static async open(store: ClockRepository, config: ClockConfig): Promise<SimulatedClock> {
    const first = config.start ? Date.parse(config.start) : Date.now();
    const clock = new SimulatedClock(store, await store.initialise(first - Date.now()));
    clock.follow(config.refreshMs);
    return clock;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  override get simulated(): boolean {
    return true;
  }

  override async sync(): Promise<void> {
    this.offsetMs = Math.max(this.offsetMs, await this.store.offset());
  }

  /** Moves the clock to `instant`; false when that is earlier than the time already reached. */
  async moveTo(instant: Date, by: string | null): Promise<boolean> {
    await this.sync();
    const offset = instant.getTime() - Date.now();
    if (offset < this.offsetMs) return false;
    const stored = await this.store.advance(offset, by);
    if (stored === null) return false;
    this.offsetMs = stored;
    return true;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private follow(refreshMs: number): void {
    this.timer = setInterval(() => {
      this.sync().catch((e) => this.logger.warn({ msg: 'could not read the simulated time', error: (e as Error).message }));
    }, refreshMs);
    this.timer.unref();
  }
}
