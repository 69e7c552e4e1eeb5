import { DynamicModule, Global, Module } from '@nestjs/common';
import { ClockModule } from '../clock/clock.module';
import type { AppConfig } from '../config/config.schema';
import type { Clock } from './clock';
import { Jurisdiction } from './jurisdiction';

/** The clock and the jurisdiction, shared by every feature. Tests pass their own clock. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    return {
      module: CoreModule,
      imports: [ClockModule.forRoot(config, clock)],
      providers: [Jurisdiction],
      exports: [Jurisdiction, ClockModule],
    };
  }
}
