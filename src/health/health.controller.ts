import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import Redis from 'ioredis';
import { clockState } from '../clock/clock.dto';
import { Clock } from '../common/clock';
import { Checkpointer } from '../ledger/checkpointer.service';
import { Public } from '../principals/auth.decorators';
import { REDIS } from '../redis/redis.module';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly clock: Clock,
    private readonly checkpointer: Checkpointer,
  ) {}

  /** PostgreSQL and Redis reachability and the transparency log's integrity (503 when any fails), and the clock. */
  @Get()
  @Public()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 2000 }),
      () => this.pingRedis(),
      () => this.ledger(),
      () => this.indicators.check('clock').up({ ...clockState(this.clock) }),
    ]);
  }

  /** Down, with the reason, while checkpoint signing is halted because the stored log stopped matching its checkpoint. */
  private async ledger() {
    const indicator = this.indicators.check('ledger');
    try {
      const { size, haltedReason, haltedAt } = await this.checkpointer.status();
      return haltedReason
        ? indicator.down({ message: haltedReason, since: haltedAt?.toISOString(), treeSize: size })
        : indicator.up({ treeSize: size });
    } catch (e) {
      return indicator.down({ message: (e as Error).message });
    }
  }

  private async pingRedis() {
    const indicator = this.indicators.check('redis');
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      // The timer is cleared once the ping answers: a pending one would hold the process open after shutdown.
      let timer: NodeJS.Timeout | undefined;
      const pong = await Promise.race([
        this.redis.ping(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 2000))),
      ]).finally(() => clearTimeout(timer));
      return pong === 'PONG' ? indicator.up() : indicator.down({ message: String(pong) });
    } catch (e) {
      return indicator.down({ message: (e as Error).message });
    }
  }
}
