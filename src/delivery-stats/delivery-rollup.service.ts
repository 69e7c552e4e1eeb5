import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { runsScheduledJobs } from '../config/runtime-roles';
import { AttemptCell, DeliveryStatsRepository, StatsRow } from './delivery-stats.repository';
import { trimmed } from './latency-classes';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
// One step rolls up at most an hour of attempts, so a long backlog (a first start over a large history, or a
// simulated clock moved by weeks) is caught up in transactions of bounded size.
const STEP_MS = HOUR_MS;
// Figures are dropped at most this often: the delete reads the whole span's index.
const RETENTION_EVERY_MS = HOUR_MS;

/** Turns aggregation cells into rows of one span: latencies counted per class, outcomes summed. */
export function rowsOf(cells: AttemptCell[], span: StatsRow['span'], spanMs: number): StatsRow[] {
  const rows = new Map<string, StatsRow>();
  for (const cell of cells) {
    const target = cell.target ?? '*';
    const startMs = Math.floor(new Date(cell.start).getTime() / spanMs) * spanMs;
    const key = `${target} ${startMs}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { span, target, start: new Date(startMs), delivered: 0, failed: 0, dead: 0, latency: [] }));
    row.delivered += cell.delivered;
    row.failed += cell.failed;
    row.dead += cell.dead;
    row.latency[cell.latencyClass] = (row.latency[cell.latencyClass] ?? 0) + cell.n;
  }
  return [...rows.values()].map((r) => ({ ...r, latency: trimmed(Array.from(r.latency, (n) => n ?? 0)) }));
}

/**
 * Rolls attempts up into per-minute and per-hour figures, on scheduler instances, every `stats.rollupMs`. Only
 * attempts that started at least `stats.settleMs` ago are taken (a push is recorded when it ends), each window
 * exactly once: the progress row is locked, and advanced in the same transaction as the figures it covers.
 */
@Injectable()
export class DeliveryRollupService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliveryRollupService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private lastRetention = 0;

  constructor(
    private readonly repository: DeliveryStatsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!runsScheduledJobs(this.config)) return;
    this.timer = setInterval(() => void this.tick(), this.config.stats.rollupMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.catchUp()
      .catch((e: Error) => this.logger.warn({ msg: 'stats: rollup failed; next period tries again', error: e.message }))
      .finally(() => (this.running = null));
  }

  /** Rolls up everything settled, step by step; returns once caught up (or another instance is rolling up). */
  async catchUp(): Promise<void> {
    while (await this.step()) {
      // Each step is its own transaction; keep going until nothing settled is left.
    }
    await this.forgetOld();
  }

  /** One step of at most an hour; false when there was nothing to do. */
  async step(): Promise<boolean> {
    const now = this.clock.now();
    const horizon = new Date(Math.floor((now.getTime() - this.config.stats.settleMs) / MINUTE_MS) * MINUTE_MS);
    return this.repository.transaction(async (m) => {
      const rolled = await this.repository.lockProgress(m, horizon);
      if (!rolled || rolled >= horizon) return false;
      // Stretches without attempts (nights, or a simulated clock moved on by weeks) are passed over at once.
      const next = await this.repository.nextAttemptAt(m, rolled);
      if (!next || next >= horizon) {
        await this.repository.advance(m, horizon);
        return true;
      }
      const from = new Date(Math.max(rolled.getTime(), Math.floor(next.getTime() / MINUTE_MS) * MINUTE_MS));
      const until = new Date(Math.min(horizon.getTime(), from.getTime() + STEP_MS));
      const cells = await this.repository.attemptCells(from, until, 60, new Date(0), undefined, m);
      await this.repository.add(m, [...rowsOf(cells, 'minute', MINUTE_MS), ...rowsOf(cells, 'hour', HOUR_MS)]);
      await this.repository.advance(m, until);
      return true;
    });
  }

  private async forgetOld(): Promise<void> {
    const now = this.clock.now().getTime();
    if (now - this.lastRetention < RETENTION_EVERY_MS) return;
    this.lastRetention = now;
    const { minuteRetentionDays, hourRetentionDays } = this.config.stats;
    await this.repository.forget('minute', new Date(now - minuteRetentionDays * DAY_MS));
    await this.repository.forget('hour', new Date(now - hourRetentionDays * DAY_MS));
  }
}
