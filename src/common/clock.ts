/** The one source of the current time; tests and benchmarks replace it to act at any date. */
export abstract class Clock {
  abstract now(): Date;

  /** True for a simulated clock: every record and notice it dates says so (DESIGN section 3). */
  get simulated(): boolean {
    return false;
  }

  /** Catches up with a move made on another instance before an act is dated; nothing to do for a real clock. */
  async sync(): Promise<void> {}
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that stands still until moved. */
export class FixedClock extends Clock {
  constructor(private instant: Date = new Date()) {
    super();
  }
  now(): Date {
    return new Date(this.instant.getTime());
  }
  set(instant: Date | string): void {
    this.instant = new Date(instant);
  }
  advance(ms: number): void {
    this.instant = new Date(this.instant.getTime() + ms);
  }
}
