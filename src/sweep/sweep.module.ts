import { Module } from '@nestjs/common';
import { ObligationsModule } from '../obligations/obligations.module';
import { RecordsModule } from '../records/records.module';
import { SweepController } from './sweep.controller';
import { SweepRepository } from './sweep.repository';
import { SweepScheduler } from './sweep.scheduler';
import { SweepService } from './sweep.service';

@Module({
  imports: [ObligationsModule, RecordsModule],
  controllers: [SweepController],
  providers: [SweepRepository, SweepService, SweepScheduler],
  exports: [SweepService],
})
export class SweepModule {}
