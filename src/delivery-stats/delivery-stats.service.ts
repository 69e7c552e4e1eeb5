import { HttpStatus, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ApiError, ValidationFailed } from '../common/http/api-error';
import { AppConfig } from '../config/config.schema';
import { DeliverySnapshots } from '../metrics/delivery-snapshots';
import { DeliveryStatsRepository, Span, StatsRow } from './delivery-stats.repository';
import { rowsOf } from './delivery-rollup.service';
import { addCounts, percentileMs } from './latency-classes';
import { Bucket, DeliveryStatsDto, DeliveryStatsQueryDto, StatsTargetDto } from './dto/delivery-stats.dto';

const BUCKETS: Record<Bucket, { ms: number; span: Span; defaultRangeMs: number; maxPoints: number }> = {
  '1m': { ms: 60_000, span: 'minute', defaultRangeMs: 3 * 3_600_000, maxPoints: 24 * 60 },
  '1h': { ms: 3_600_000, span: 'hour', defaultRangeMs: 48 * 3_600_000, maxPoints: 62 * 24 },
  '1d': { ms: 86_400_000, span: 'hour', defaultRangeMs: 30 * 86_400_000, maxPoints: 400 },
};
const OPENINGS_LIMIT = 1000;

/** How far the zone's clocks are ahead of UTC at that instant (+8 h for Asia/Shanghai). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return local - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * Delivery figures over time for charts: stored rollups for what has settled, the attempts themselves for the
 * last few minutes, so an answer is complete up to `until` and costs a few thousand rows whatever the history.
 */
@Injectable()
export class DeliveryStatsService {
  constructor(
    private readonly repository: DeliveryStatsRepository,
    private readonly snapshots: DeliverySnapshots,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async deliveries(query: DeliveryStatsQueryDto): Promise<DeliveryStatsDto> {
    const bucket = query.bucket ?? '1h';
    const b = BUCKETS[bucket];
    const now = this.clock.now();
    // Minutes and hours are those of UTC, which are the zone's too for whole-hour offsets; days are the zone's.
    const origin = bucket === '1d' ? -zoneOffsetMs(now, this.config.jurisdiction.timeZone) : 0;
    const floor = (t: number) => Math.floor((t - origin) / b.ms) * b.ms + origin;
    const untilMs = Math.min(query.until ? Date.parse(query.until) : now.getTime(), now.getTime());
    const end = floor(untilMs) + (floor(untilMs) < untilMs ? b.ms : 0);
    const start = floor(query.since ? Date.parse(query.since) : end - b.defaultRangeMs);
    if (start >= end) throw new ValidationFailed([{ field: 'since', message: 'must be before until (and not after now)' }]);
    const points = (end - start) / b.ms;
    if (points > b.maxPoints) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'RANGE_TOO_LONG', `at most ${b.maxPoints} buckets of ${bucket}; asked for ${points}`, {
        bucket, maxPoints: b.maxPoints, points,
      });
    }
    const from = new Date(start);
    const until = new Date(end);
    const target = query.target;
    const rolledUntil = (await this.repository.rolledUntil()) ?? from;
    const settled = new Date(Math.min(Math.max(rolledUntil.getTime(), start), end));
    const [stored, live, openings] = await Promise.all([
      settled > from ? this.repository.stored(b.span, target ?? '*', from, settled) : Promise.resolve([]),
      settled < until ? this.repository.attemptCells(settled, until, b.ms / 1000, new Date(origin), target) : Promise.resolve([]),
      this.repository.circuitOpenings(from, until, target, OPENINGS_LIMIT),
    ]);
    const liveRows = rowsOf(target ? live : live.filter((c) => c.target === null), b.span, b.ms);
    return {
      bucket,
      since: from.toISOString(),
      until: until.toISOString(),
      target: target ?? null,
      rolledUntil: rolledUntil.toISOString(),
      items: this.buckets(start, end, b.ms, origin, [...stored, ...liveRows]),
      circuitOpenings: openings.map((o) => ({ target: o.target, openedAt: new Date(o.openedAt).toISOString() })),
      targets: await this.targetsNow(now, target),
    };
  }

  /** Every bucket of [start, end), empty ones included, so a chart's time axis has no holes. */
  private buckets(start: number, end: number, ms: number, origin: number, rows: StatsRow[]): DeliveryStatsDto['items'] {
    const byStart = new Map<number, { delivered: number; failed: number; dead: number; latency: number[] }>();
    for (const r of rows) {
      const at = Math.floor((r.start.getTime() - origin) / ms) * ms + origin;
      const sum = byStart.get(at) ?? { delivered: 0, failed: 0, dead: 0, latency: [] };
      sum.delivered += r.delivered;
      sum.failed += r.failed;
      sum.dead += r.dead;
      addCounts(sum.latency, r.latency);
      byStart.set(at, sum);
    }
    const items: DeliveryStatsDto['items'] = [];
    for (let at = start; at < end; at += ms) {
      const sum = byStart.get(at);
      items.push({
        start: new Date(at).toISOString(),
        delivered: sum?.delivered ?? 0,
        failed: sum?.failed ?? 0,
        dead: sum?.dead ?? 0,
        p50Ms: sum ? percentileMs(sum.latency, 0.5) : null,
        p99Ms: sum ? percentileMs(sum.latency, 0.99) : null,
      });
    }
    return items;
  }

  /** Each target's circuit and its oldest waiting delivery, as of the latest shared metrics count. */
  private async targetsNow(now: Date, only: string | undefined): Promise<StatsTargetDto[]> {
    const [circuits, snapshot] = await Promise.all([this.repository.circuits(), this.snapshots.read()]);
    const waiting = snapshot.oldestWaitingByTarget ?? {};
    const names = new Set([...circuits.map((c) => c.target), ...Object.keys(waiting)]);
    return [...names]
      .filter((t) => !only || t === only)
      .sort()
      .map((t) => {
        const c = circuits.find((x) => x.target === t);
        const since = waiting[t] ?? null;
        return {
          target: t,
          circuit: (c?.circuit ?? 'closed') as StatsTargetDto['circuit'],
          circuitOpenedAt: c?.openedAt ? new Date(c.openedAt).toISOString() : null,
          oldestPendingSince: since,
          oldestPendingAgeMs: since ? Math.max(0, now.getTime() - Date.parse(since)) : null,
        };
      });
  }
}
