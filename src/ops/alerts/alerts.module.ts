import { Global, Module } from '@nestjs/common';
import { AlertSender } from './alert-sender';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

/** AlertsService for the delivery engine (global), the webhook sender and GET /v1/ops/alerts. */
@Global()
@Module({
  controllers: [AlertsController],
  providers: [AlertsRepository, AlertsService, AlertSender],
  exports: [AlertsService],
})
export class AlertsModule {}
