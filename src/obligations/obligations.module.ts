import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/config.schema';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { DeadlineRules } from './deadline-rules';
import { ObligationImportController } from './import/import.controller';
import { ImportRepository } from './import/import.repository';
import { ObligationImportService } from './import/import.service';
import { ObligationHooks } from './obligation-hooks';
import { ObligationEntity, ObligationEventEntity } from './obligation.entity';
import { ObligationStageService } from './obligation-stage.service';
import { ObligationsController } from './obligations.controller';
import { ObligationsRepository } from './obligations.repository';
import { ObligationsService } from './obligations.service';

@Module({
  imports: [TypeOrmModule.forFeature([ObligationEntity, ObligationEventEntity]), EnterprisesModule],
  controllers: [ObligationsController, ObligationImportController],
  providers: [
    ObligationsRepository,
    ObligationsService,
    ObligationStageService,
    ObligationHooks,
    ImportRepository,
    ObligationImportService,
    { provide: DeadlineRules, inject: [AppConfig], useFactory: (c: AppConfig) => new DeadlineRules(c.dimensions) },
  ],
  exports: [ObligationsRepository, ObligationsService, DeadlineRules, ObligationHooks],
})
export class ObligationsModule {}
