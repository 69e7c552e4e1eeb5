import { DynamicModule, Global, Inject, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, Provider } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock';
import type { AppConfig } from '../config/config.schema';
import { ClockRepository } from './clock.repository';
import { SimulatedClock } from './simulated-clock';

/**
 * The gateway's one clock: the system clock, a simulated one when GATEWAY_CLOCK=simulated, or whatever a test
 * passes. The API's POST /v1/ops/clock lives in ClockOpsModule, which the command line does not load.
 */
@Global()
@Module({})
export class ClockModule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Clock');

  constructor(@Inject(Clock) private readonly clock: Clock) {}

  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    const provider: Provider = clock
      ? { provide: Clock, useValue: clock }
      : config.clock.mode === 'simulated'
        ? { provide: Clock, inject: [ClockRepository], useFactory: (store: ClockRepository) => SimulatedClock.open(store, config.clock) }
        : { provide: Clock, useValue: new SystemClock() };
    return {
      module: ClockModule,
      providers: [ClockRepository, provider],
      exports: [Clock],
    };
  }

  onApplicationBootstrap(): void {
    if (this.clock.simulated) {
      this.logger.warn({
        msg: 'running on a simulated clock (GATEWAY_CLOCK=simulated): every record it signs is marked "simulated": true',
        now: this.clock.now().toISOString(),
      });
    }
  }

  onModuleDestroy(): void {
    if (this.clock instanceof SimulatedClock) this.clock.stop();
  }
}
