import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/config.schema';
import { QueryBuffer } from './query-buffer';
import { RestrictionQueriesRepository } from './restriction-queries.repository';

// Bounds one statement's parameter arrays when a long outage has let the buffer grow.
const MAX_ROWS_PER_INSERT = 20_000;

/**
 * Records who looked up what: one row per request (a batch keeps its count of codes and their hash). Lookups only append to memory; one INSERT writes what gathered every
 * flushIntervalMs, or sooner once flushRows are waiting. A failed write keeps its rows for the next attempt.
 */
@Injectable()
export class QueryRecorder implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(QueryRecorder.name);
  private readonly buffer: QueryBuffer;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly queries: RestrictionQueriesRepository,
    private readonly config: AppConfig,
  ) {
    this.buffer = new QueryBuffer(config.restrictions.queryLog.maxBufferedRows);
  }

  record(principalId: string, usccs: readonly string[], at: string, batch: boolean): void {
    this.dropped(this.buffer.add(principalId, usccs, at, batch));
    if (this.buffer.size >= this.config.restrictions.queryLog.flushRows) void this.flush();
    this.schedule();
  }

  /** Writes everything buffered, including rows that arrive while it runs; failures are logged, not thrown. */
  flush(): Promise<void> {
    this.running ??= this.drain().finally(() => (this.running = null));
    return this.running;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  // Requests still in flight when shutdown began may have added rows since; the database closes after this.
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
    if (this.buffer.size) this.logger.error({ msg: 'restriction query audit rows lost at shutdown', rows: this.buffer.size });
  }

  private async drain(): Promise<void> {
    while (this.buffer.size) {
      const rows = this.buffer.take(MAX_ROWS_PER_INSERT);
      try {
        await this.queries.insert(rows);
      } catch (e) {
        this.logger.error({ msg: 'restriction query audit flush failed; rows kept for the next attempt', rows: rows.ats.length, error: (e as Error).message });
        this.dropped(this.buffer.putBack(rows));
        this.schedule();
        return;
      }
    }
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.config.restrictions.queryLog.flushIntervalMs);
  }

  private dropped(rows: number): void {
    if (rows) this.logger.error({ msg: 'restriction query audit buffer full; oldest rows dropped', rows });
  }
}
