import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { TargetHealthDto } from './dto/deliveries.dto';
import { TargetsRepository } from './targets.repository';

const DAY_MS = 86_400_000;

@Injectable()
export class TargetsService {
  constructor(
    private readonly targets: TargetsRepository,
    private readonly clock: Clock,
  ) {}

  async overview(): Promise<{ items: TargetHealthDto[] }> {
    const rows = await this.targets.overview(new Date(this.clock.now().getTime() - DAY_MS));
    return {
      items: rows.map((r) => ({
        target: r.target,
        ...(r.is_platform ? {} : { agency: r.agency!, state: r.state!, disabledAt: r.disabled_at ? r.disabled_at.toISOString() : null }),
        circuit: r.circuit,
        consecutiveFailures: r.consecutive_failures,
        successRate24h: r.delivered + r.failed > 0 ? Math.round((r.delivered / (r.delivered + r.failed)) * 10_000) / 10_000 : null,
        delivered24h: r.delivered,
        failed24h: r.failed,
        oldestPendingAt: r.oldest_pending_at ? r.oldest_pending_at.toISOString() : null,
      })),
    };
  }
}
