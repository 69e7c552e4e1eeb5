import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { AlertsModule } from './alerts/alerts.module';
import { BulkJobsRepository } from './bulk-jobs.repository';
import { BulkRetryRunner } from './jobs/bulk-retry.runner';
import { OpsProcessor } from './jobs/ops.processor';
import { OpsDeliveriesController } from './ops-deliveries.controller';
import { OpsDeliveriesRepository } from './ops-deliveries.repository';
import { OpsDeliveriesService } from './ops-deliveries.service';
import { TargetsRepository } from './targets.repository';
import { TargetsService } from './targets.service';

/** The operator side of delivery: listing, retrying and cancelling, bulk jobs, target health and alerts. */
@Module({
  imports: [AlertsModule, DeliveryModule],
  controllers: [OpsDeliveriesController],
  providers: [OpsDeliveriesRepository, BulkJobsRepository, OpsDeliveriesService, BulkRetryRunner, OpsProcessor, TargetsRepository, TargetsService],
})
export class OpsModule {}
