import { Injectable, Logger } from '@nestjs/common';
import type { Actor } from '../audit/request-actor';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { CreditPlatformAdapter, PlatformHolding } from '../credit-platform/credit-platform.adapter';
import { CREDIT_PLATFORM_TARGET } from '../delivery/targets';
import { DifferenceRepairs, ReconciliationStopped } from './difference-repairs';
import type { ReconciliationCountsDto } from './dto/reconciliation.dto';
import { invalidHolding } from './listing-page';
import { PlatformListingRepository } from './platform-listing.repository';
import { EMPTY_COUNTS } from './reconciliation.mapper';
import { ReconciliationRepository } from './reconciliation.repository';

const LIST_ATTEMPTS = 3;

type ListingPage = { items: PlatformHolding[]; nextCursor: string | null };

/**
 * Platform reconciliation (DESIGN section 7): the platform's listing is streamed into a staging table, in
 * whatever order it comes and with whatever it repeats, while the next page is fetched; PostgreSQL then
 * compares it with the gateway's records as two sets, and the differences are repaired page by page. Memory
 * holds two pages, whatever the number of records.
 */
@Injectable()
export class PlatformReconciler {
  private readonly logger = new Logger(PlatformReconciler.name);

  constructor(
    private readonly runs: ReconciliationRepository,
    private readonly listing: PlatformListingRepository,
    private readonly repairs: DifferenceRepairs,
    private readonly platform: CreditPlatformAdapter,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async run(runId: string, actor: Actor | null, stopping: () => boolean): Promise<ReconciliationCountsDto> {
    const counts: ReconciliationCountsDto = { ...EMPTY_COUNTS, listed: 0, repaired: 0 };
    await this.listing.dropAbandoned();
    await this.listing.create(runId);
    try {
      await this.stageListing(runId, counts, stopping);
      Object.assign(counts, await this.listing.compare(runId));
      await this.runs.progress(null, runId, { ...counts }, this.clock.now());
      await this.repairs.run(runId, CREDIT_PLATFORM_TARGET, counts, actor, stopping);
      return counts;
    } finally {
      await this.listing.drop(runId).catch((e: Error) => this.logger.warn({ msg: 'staging table not dropped; the next run drops it', runId, error: e.message }));
    }
  }

  /** Every page into the staging table; the next page is on its way while one is written. */
  private async stageListing(runId: string, counts: ReconciliationCountsDto, stopping: () => boolean): Promise<void> {
    const size = this.config.reconciliation.pageSize;
    let cursor: string | null = null;
    let page = await this.listWithRetry(cursor, size);
    for (;;) {
      if (stopping()) throw new ReconciliationStopped();
      checkPage(page, cursor, counts.listed!);
      const nextCursor = page.nextCursor;
      const next = nextCursor === null ? null : this.listWithRetry(nextCursor, size);
      // Awaited below; until then a failure must not count as unhandled.
      next?.catch(() => undefined);
      await this.listing.stage(runId, page.items);
      counts.listed! += page.items.length;
      await this.runs.progress(null, runId, { ...counts }, this.clock.now());
      if (!next) return;
      cursor = nextCursor;
      page = await next;
    }
  }

  /** A page that fails is asked again a few times: one hiccup must not throw away a night's run. */
  private async listWithRetry(cursor: string | null, limit: number): Promise<ListingPage> {
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

/** A page the comparison can trust: well-formed items, and a cursor that moves (else the listing never ends). */
function checkPage(page: ListingPage, cursor: string | null, listedBefore: number): void {
  for (const [i, item] of page.items.entries()) {
    const problem = invalidHolding(item);
    if (problem) throw new Error(`credit platform listing: item ${listedBefore + i + 1}: ${problem}`);
  }
  if (page.nextCursor !== null && page.nextCursor === cursor) throw new Error(`credit platform listing repeated cursor ${page.nextCursor}`);
}
