import { BeforeApplicationShutdown, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../audit/request-actor';
import { Clock } from '../common/clock';
import { ApiError, ValidationFailed } from '../common/http/api-error';
import { decodeCursor, encodeCursor, Page } from '../common/http/cursor';
import { isUuid } from '../common/ids';
import { AppConfig } from '../config/config.schema';
import { CreditPlatformAdapter } from '../credit-platform/credit-platform.adapter';
import { CREDIT_PLATFORM_TARGET } from '../delivery/targets';
import { AgencyReconciler } from './agency-reconciler';
import { ListReconciliationsQueryDto, ReconciliationDto, ReconciliationItemsQueryDto, ReconciliationSummaryDto } from './dto/reconciliation.dto';
import { PlatformReconciler } from './platform-reconciler';
import { toItem, toSummary } from './reconciliation.mapper';
import { ReconciliationRepository, RunRow } from './reconciliation.repository';

const MINUTE_MS = 60_000;

/**
 * Starts reconciliations and reads their reports. A run works in the background of the instance that
 * started it; its progress and outcome live in PostgreSQL, and a run whose instance died is marked failed.
 */
@Injectable()
export class ReconciliationService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ReconciliationService.name);
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly runs: ReconciliationRepository,
    private readonly platform: PlatformReconciler,
    private readonly agencies: AgencyReconciler,
    private readonly adapter: CreditPlatformAdapter,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Records the run and starts it; answers at once (202). */
  async start(target: string, actor: Actor | null, trigger: 'api' | 'schedule' = 'api'): Promise<ReconciliationSummaryDto> {
    const { run, work } = await this.begin(target, actor, trigger);
    const task = work().finally(() => this.running.delete(task));
    this.running.add(task);
    return toSummary(run);
  }

  /** Runs to the end and answers the final report (the scheduler and the benchmark). */
  async runNow(target: string, actor: Actor | null, trigger: 'api' | 'schedule'): Promise<ReconciliationSummaryDto> {
    const { run, work } = await this.begin(target, actor, trigger);
    await work();
    return toSummary((await this.runs.find(run.id))!);
  }

  async get(id: string, query: ReconciliationItemsQueryDto): Promise<ReconciliationDto> {
    await this.failStale();
    const run = isUuid(id) ? await this.runs.find(id) : null;
    if (!run) throw new ApiError(HttpStatus.NOT_FOUND, 'RECONCILIATION_NOT_FOUND', `id: no reconciliation ${id}`);
    const limit = query.limit ?? 1000;
    const cursor = decodeCursor(query.cursor, 1, ([n]) => typeof n === 'string' && /^\d{1,18}$/.test(n));
    const rows = await this.runs.items(id, cursor ? String(cursor[0]) : null, limit + 1);
    const items = rows.slice(0, limit);
    return { ...toSummary(run), items: items.map(toItem), nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  async list(query: ListReconciliationsQueryDto): Promise<Page<ReconciliationSummaryDto>> {
    await this.failStale();
    const limit = query.limit ?? 50;
    const cursor = decodeCursor(query.cursor, 1, ([seq]) => typeof seq === 'string' && /^\d{1,18}$/.test(seq));
    const rows = await this.runs.list(cursor ? String(cursor[0]) : null, limit + 1);
    const items = rows.slice(0, limit);
    return { items: items.map(toSummary), nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].seq]) : null };
  }

  /** Running reconciliations stop at their next page and are recorded as failed with the reason. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  private async begin(target: string, actor: Actor | null, trigger: 'api' | 'schedule'): Promise<{ run: RunRow; work: () => Promise<void> }> {
    const execute = await this.resolve(target);
    await this.failStale();
    const run = await this.runs.start(target, trigger, actor?.id ?? null, this.clock.now());
    if (!run) throw new ApiError(HttpStatus.CONFLICT, 'RECONCILIATION_RUNNING', `target: a reconciliation of ${target} is already running`);
    await this.audit.record(null, { actor, action: 'reconciliation.start', subjectType: 'reconciliation', subjectId: run.id, after: { target, trigger } });
    return { run, work: () => this.execute(run, actor, execute) };
  }

  /** What running the target means; bad or unknown targets are refused before anything is written. */
  private async resolve(target: string): Promise<(run: RunRow, actor: Actor | null) => Promise<object>> {
    if (target === CREDIT_PLATFORM_TARGET) {
      if (!this.adapter.enabled()) {
        throw new ApiError(HttpStatus.CONFLICT, 'PLATFORM_NOT_CONFIGURED', 'target: the credit platform connector has no credentials (creditPlatform.secret)');
      }
      return (run, actor) => this.platform.run(run.id, actor, () => this.stopping);
    }
    if (!isUuid(target)) throw new ValidationFailed([{ field: 'target', message: `must be "${CREDIT_PLATFORM_TARGET}" or a subscription id` }]);
    const subscription = await this.runs.subscription(target);
    if (!subscription) throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'UNKNOWN_TARGET', `target: no subscription ${target}`, [{ field: 'target', message: 'no such subscription' }]);
    return (run, actor) => this.agencies.run(run.id, subscription, actor, () => this.stopping);
  }

  private async execute(run: RunRow, actor: Actor | null, work: (run: RunRow, actor: Actor | null) => Promise<object>): Promise<void> {
    try {
      const counts = await work(run, actor);
      await this.runs.finish(run.id, counts as Record<string, number>, null, this.clock.now());
      this.logger.log({ msg: 'reconciliation finished', id: run.id, target: run.target, ...counts });
    } catch (e) {
      const error = (e as Error).message || String(e);
      this.logger.error({ msg: 'reconciliation failed', id: run.id, target: run.target, error });
      // The report keeps the counts reached before the failure, beside the error.
      const sofar = (await this.runs.find(run.id).catch(() => null))?.counts ?? {};
      await this.runs.finish(run.id, sofar, error, this.clock.now()).catch((f) => this.logger.error({ msg: 'could not record the failure', id: run.id, error: (f as Error).message }));
    }
  }

  private failStale(): Promise<number> {
    const now = this.clock.now();
    return this.runs.failStale(new Date(now.getTime() - this.config.reconciliation.staleMinutes * MINUTE_MS), now);
  }
}
