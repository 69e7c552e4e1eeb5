import { Module } from '@nestjs/common';
import { ClockController } from './clock.controller';
import { ClockService } from './clock.service';

/** POST /v1/ops/clock: moves a simulated clock forward. */
@Module({ controllers: [ClockController], providers: [ClockService] })
export class ClockOpsModule {}
