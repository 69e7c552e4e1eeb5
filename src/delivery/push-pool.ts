import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/config.schema';

/**
 * The pushes in flight in this process, one slot each (`delivery.pushesInFlight`). A slot is taken when a push
 * starts and given back when its outcome is recorded, so an endpoint that never answers holds one slot per
 * unanswered push until the push timeout, never a whole queue job or the worker's other pushes.
 */
@Injectable()
export class PushPool {
  private readonly logger = new Logger(PushPool.name);
  private readonly capacity: number;
  private readonly tasks = new Set<Promise<void>>();
  private readonly waiting: Array<() => void> = [];

  constructor(config: AppConfig) {
    this.capacity = config.delivery.pushesInFlight;
  }

  get inFlight(): number {
    return this.tasks.size;
  }

  /** Waits for a free slot, then starts `task` in it and returns without waiting for the task to end. */
  async start(task: () => Promise<void>): Promise<void> {
    while (this.tasks.size >= this.capacity) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const running: Promise<void> = task()
      // Nothing is lost when recording an outcome fails: the lease runs out and the delivery is claimed again.
      .catch((e: Error) => this.logger.error({ msg: 'push outcome not recorded; its lease will bring it back', error: e.message }))
      .finally(() => {
        this.tasks.delete(running);
        this.waiting.shift()?.();
      });
    this.tasks.add(running);
  }

  /** Resolves once every push started so far has ended and been recorded (shutdown). */
  async drain(): Promise<void> {
    while (this.tasks.size) await Promise.allSettled([...this.tasks]);
  }
}
