import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { Jurisdiction } from './jurisdiction';

/** The clock and the jurisdiction, shared by every feature. Tests pass their own clock. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: Clock, useValue: clock }, Jurisdiction],
      exports: [Clock, Jurisdiction],
    };
  }
}
