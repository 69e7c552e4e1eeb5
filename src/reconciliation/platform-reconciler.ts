import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../audit/request-actor';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { CreditPlatformAdapter, PlatformHolding } from '../credit-platform/credit-platform.adapter';
import type { ReconciliationCountsDto } from './dto/reconciliation.dto';
import { Difference, LocalEntry, mergeStep, MergeStep, outOfOrder } from './merge-compare';
import { EMPTY_COUNTS } from './reconciliation.mapper';
import { ReconciliationRepository, StoredItem } from './reconciliation.repository';

const LIST_ATTEMPTS = 3;

/** Thrown between pages when the instance shuts down, so the run ends as failed with that reason. */
export class ReconciliationStopped extends Error {}

/**
 * Platform reconciliation (DESIGN section 7): the platform's listing and the gateway's records are read page
 * by page in recordId order and merged; each step's differences are stored and repaired in one transaction.
 * Memory holds two pages, whatever the number of records.
 */
@Injectable()
export class PlatformReconciler {
  private readonly logger = new Logger(PlatformReconciler.name);

  constructor(
    private readonly runs: ReconciliationRepository,
    private readonly platform: CreditPlatformAdapter,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async run(runId: string, actor: Actor | null, stopping: () => boolean): Promise<ReconciliationCountsDto> {
    const size = this.config.reconciliation.pageSize;
    const counts: ReconciliationCountsDto = { ...EMPTY_COUNTS, repaired: 0 };
    const local = new PageStream<LocalEntry>('gateway records', (after) => this.runs.localPage(after, size), size);
    const remote = new RemoteStream((cursor) => this.listWithRetry(cursor, size));
    for (;;) {
      if (stopping()) throw new ReconciliationStopped('stopped: the instance shut down; start the reconciliation again');
      await Promise.all([local.fill(), remote.fill()]);
      if (local.done && remote.done) return counts;
      const step = mergeStep(local.buffer, remote.buffer, local.ended, remote.ended);
      local.consume(step.localUsed);
      remote.consume(step.remoteUsed);
      await this.apply(runId, step, counts, actor);
    }
  }

  private async apply(runId: string, step: MergeStep, counts: ReconciliationCountsDto, actor: Actor | null): Promise<void> {
    counts.matched += step.matched;
    for (const d of step.differences) counts[d.kind]++;
    const toRepair = step.differences.filter((d) => d.kind !== 'unknownRemote').map((d) => d.recordId);
    await this.runs.transaction(async (m) => {
      const now = this.clock.now();
      const repaired = await this.runs.repairPlatform(m, toRepair, now);
      counts.repaired! += repaired.size;
      await this.runs.insertItems(m, runId, step.differences.map((d) => withAction(d, repaired)));
      if (repaired.size) {
        await this.audit.record(m, {
          actor,
          action: 'reconciliation.repair',
          subjectType: 'reconciliation',
          subjectId: runId,
          after: { status: 'pending', nextAttemptAt: now.toISOString() },
          details: { target: 'credit-platform', count: repaired.size, recordIds: [...repaired] },
        });
      }
      await this.runs.progress(m, runId, { ...counts }, now);
    });
  }

  /** A page that fails is asked again a few times: one hiccup must not throw away a night's run. */
  private async listWithRetry(cursor: string | null, limit: number) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.platform.list({ cursor, limit });
      } catch (e) {
        if (attempt >= LIST_ATTEMPTS) throw new Error(`credit platform listing failed after ${attempt} attempts: ${(e as Error).message}`);
        this.logger.warn({ msg: 'platform listing failed; retrying', attempt, error: (e as Error).message });
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }
}

function withAction(d: Difference, repaired: Set<string>): StoredItem {
  if (d.kind === 'unknownRemote') return { ...d, action: 'flag' };
  if (!repaired.has(d.recordId)) return { ...d, action: 'in_flight' };
  return { ...d, action: d.kind === 'revokedLocally' ? 'send_revocation' : 'redeliver' };
}

/** The gateway's records as a keyset-paged stream with an order check. */
class PageStream<T extends { recordId: string }> {
  buffer: T[] = [];
  ended = false;
  private last: string | null = null;

  constructor(
    private readonly name: string,
    private readonly read: (after: string | null) => Promise<T[]>,
    private readonly size: number,
  ) {}

  get done(): boolean {
    return this.ended && !this.buffer.length;
  }

  async fill(): Promise<void> {
    if (this.buffer.length || this.ended) return;
    const page = await this.read(this.last);
    const wrong = outOfOrder(page, this.last);
    if (wrong) throw new Error(`${this.name} out of order: ${wrong}`);
    this.ended = page.length < this.size;
    if (page.length) this.last = page[page.length - 1].recordId;
    this.buffer = page;
  }

  consume(n: number): void {
    if (n) this.buffer = this.buffer.slice(n);
  }
}

/** The platform's listing, followed by its cursor; a cursor that does not move would loop forever, so it fails. */
class RemoteStream {
  buffer: PlatformHolding[] = [];
  ended = false;
  private cursor: string | null = null;
  private last: string | null = null;

  constructor(private readonly list: (cursor: string | null) => Promise<{ items: PlatformHolding[]; nextCursor: string | null }>) {}

  get done(): boolean {
    return this.ended && !this.buffer.length;
  }

  async fill(): Promise<void> {
    while (!this.buffer.length && !this.ended) {
      const page = await this.list(this.cursor);
      const wrong = outOfOrder(page.items, this.last);
      if (wrong) throw new Error(`credit platform listing out of order: ${wrong}`);
      if (page.nextCursor !== null && page.nextCursor === this.cursor) throw new Error(`credit platform listing repeated cursor ${page.nextCursor}`);
      this.cursor = page.nextCursor;
      this.ended = page.nextCursor === null;
      if (page.items.length) this.last = page.items[page.items.length - 1].recordId;
      this.buffer = page.items;
    }
  }

  consume(n: number): void {
    if (n) this.buffer = this.buffer.slice(n);
  }
}
