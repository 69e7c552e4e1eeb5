import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LedgerModule } from '../ledger/ledger.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule, LedgerModule], controllers: [HealthController] })
export class HealthModule {}
