import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { AppConfig } from '../../config/config.schema';
import { MetricsRegistry } from '../../metrics/metrics.registry';
import type { RestrictionRow } from '../restrictions.repository';
import { RestrictionsRepository } from '../restrictions.repository';
import { RestrictionIndex } from './restriction-index';

// Ledger entries read per refresh query; a sweep that issued more is caught up in several.
const CHANGES_PER_QUERY = 5000;
const SNAPSHOT_PAGE = 50_000;

/**
 * The restrictions table in memory, so that a lookup costs no database round trip. Every change to the table
 * comes with a ledger entry in the same transaction, and ledger seqs commit in order (the head row is locked),
 * so following the ledger from the snapshot's seq misses nothing. Lookups use the mirror only while its last
 * refresh began less than maxStaleMs ago; otherwise they go to PostgreSQL. That bounds how late any instance
 * can show a change, whatever happens to the refresh loop. A change committed by this process marks the
 * mirror stale, and the next lookup waits for a refresh: a caller sees its own writes at once.
 */
@Injectable()
export class RestrictionsMirror implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RestrictionsMirror.name);
  private index: RestrictionIndex | null = null;
  private seq = 0;
  // Wall time (not the injectable clock): freshness is about this process, not the jurisdiction's calendar.
  private refreshStartedAt = 0;
  // Changes committed here, counted; and how many of them the last successful refresh began after.
  private changesHere = 0;
  private changesApplied = 0;
  private refreshing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failing = false;
  private closed = false;

  private readonly answered: Counter<'source'>;

  constructor(
    private readonly restrictions: RestrictionsRepository,
    private readonly config: AppConfig,
    registry: MetricsRegistry,
  ) {
    this.answered = new Counter({
      name: 'gateway_restriction_lookups_total',
      help: 'Restriction lookups by where the answer came from: memory, or database when the copy was not fresh',
      labelNames: ['source'],
      registers: [registry],
    });
    const state = () => this.state();
    new Gauge({
      name: 'gateway_restrictions_mirror_age_seconds',
      help: "Time since this instance's restrictions copy last began a successful refresh (absent until loaded)",
      registers: [registry],
      collect() {
        const { ageMs } = state();
        if (ageMs === null) this.reset();
        else this.set(ageMs / 1000);
      },
    });
    new Gauge({
      name: 'gateway_restrictions_mirror_records',
      help: "Records held in this instance's restrictions copy",
      registers: [registry],
      collect() {
        this.set(state().records);
      },
    });
  }

  onApplicationBootstrap(): void {
    const { enabled } = this.config.restrictions.mirror;
    if (!enabled || !this.config.runtime.roles.includes('api')) return;
    // Not awaited: until the snapshot is in, lookups are answered from PostgreSQL.
    this.tick();
  }

  // Before the database closes, which happens in the shutdown hooks that follow.
  onModuleDestroy(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Called after a transaction that changed restrictions committed in this process. */
  markChanged(): void {
    this.changesHere++;
  }

  /**
   * The rows RestrictionsRepository.find would return, or null when the mirror cannot vouch for them (not
   * loaded, or not refreshed within maxStaleMs), in which case the caller asks the database.
   */
  async find(usccs: readonly string[], domains: readonly string[]): Promise<RestrictionRow[] | null> {
    const rows = await this.fresh(usccs, domains);
    this.answered.inc({ source: rows ? 'memory' : 'database' });
    return rows;
  }

  private async fresh(usccs: readonly string[], domains: readonly string[]): Promise<RestrictionRow[] | null> {
    if (!this.index) return null;
    // A refresh already running may have begun before the change committed; then it takes another one.
    const changes = this.changesHere;
    for (let i = 0; i < 3 && this.changesApplied < changes; i++) await this.refresh().catch(() => undefined);
    if (Date.now() - this.refreshStartedAt > this.config.restrictions.mirror.maxStaleMs) return null;
    return this.index.find(usccs, domains);
  }

  /** Brings the mirror up to what has committed by now; concurrent callers share one refresh. */
  refresh(): Promise<void> {
    this.refreshing ??= this.catchUp().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** Whether lookups are being answered from memory, and how much it holds. */
  state(): { loaded: boolean; records: number; seq: number; ageMs: number | null } {
    return {
      loaded: this.index !== null,
      records: this.index?.records ?? 0,
      seq: this.seq,
      ageMs: this.index ? Date.now() - this.refreshStartedAt : null,
    };
  }

  private async catchUp(): Promise<void> {
    const startedAt = Date.now();
    const changes = this.changesHere;
    try {
      if (!this.index) {
        const { seq, rows } = await this.restrictions.snapshot(SNAPSHOT_PAGE);
        const index = new RestrictionIndex();
        index.replace([], rows);
        this.index = index;
        this.seq = seq;
        this.logger.log({ msg: 'restrictions mirror loaded', records: index.records, seq, ms: Date.now() - startedAt });
      } else {
        for (;;) {
          const batch = await this.restrictions.changedSince(this.seq, CHANGES_PER_QUERY);
          if (batch.recordIds.length) this.index.replace(batch.recordIds, await this.restrictions.held(batch.recordIds));
          this.seq = batch.seq;
          if (batch.entries < CHANGES_PER_QUERY) break;
        }
      }
    } catch (e) {
      // A refresh cut short by shutdown (the pool closing under it) is not worth an error line.
      if (!this.failing && !this.closed) this.logger.error({ msg: 'restrictions mirror refresh failed; lookups go to the database', error: (e as Error).message });
      this.failing = true;
      throw e;
    }
    if (this.failing) this.logger.log({ msg: 'restrictions mirror refreshing again' });
    this.failing = false;
    this.refreshStartedAt = startedAt;
    this.changesApplied = Math.max(this.changesApplied, changes);
  }

  private tick(): void {
    this.refresh()
      .catch(() => undefined)
      .finally(() => {
        if (!this.closed) this.timer = setTimeout(() => this.tick(), this.config.restrictions.mirror.refreshMs);
      });
  }
}
