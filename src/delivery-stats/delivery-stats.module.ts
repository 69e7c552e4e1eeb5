import { Module } from '@nestjs/common';
import { DeliveryRollupService } from './delivery-rollup.service';
import { DeliveryStatsController } from './delivery-stats.controller';
import { DeliveryStatsRepository } from './delivery-stats.repository';
import { DeliveryStatsService } from './delivery-stats.service';

/** Delivery figures over time for the console's charts: owns delivery_stats, reads attempts and circuit openings. */
@Module({
  controllers: [DeliveryStatsController],
  providers: [DeliveryStatsRepository, DeliveryRollupService, DeliveryStatsService],
  exports: [DeliveryRollupService],
})
export class DeliveryStatsModule {}
