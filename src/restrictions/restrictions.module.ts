import { Module } from '@nestjs/common';
import { RestrictionsController } from './restrictions.controller';
import { RestrictionsRepository } from './restrictions.repository';
import { RestrictionsService } from './restrictions.service';

/**
 * The query side of sanction records. RecordsModule imports it only to keep the table current; nothing here
 * depends on records or delivery, so data flows one way.
 */
@Module({
  controllers: [RestrictionsController],
  providers: [RestrictionsRepository, RestrictionsService],
  exports: [RestrictionsRepository],
})
export class RestrictionsModule {}
