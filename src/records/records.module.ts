import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ObligationsModule } from '../obligations/obligations.module';
import { RestrictionsModule } from '../restrictions/restrictions.module';
import { ExitRevocationHook } from './exit-revocation.hook';
import { RecordWriter } from './record-writer';
import { RecordsController } from './records.controller';
import { RecordsRepository } from './records.repository';
import { RecordsService } from './records.service';

@Module({
  imports: [LedgerModule, DeliveryModule, ObligationsModule, RestrictionsModule],
  controllers: [RecordsController],
  providers: [RecordsRepository, RecordWriter, RecordsService, ExitRevocationHook],
  exports: [RecordsRepository, RecordWriter],
})
export class RecordsModule {}
