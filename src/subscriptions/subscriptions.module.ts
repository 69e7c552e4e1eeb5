import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { SubscriptionEntity } from './subscription.entity';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsRepository } from './subscriptions.repository';
import { SubscriptionsService } from './subscriptions.service';
import { UrlGuard } from './url-guard';

@Module({
  imports: [TypeOrmModule.forFeature([SubscriptionEntity]), AuditModule, DeliveryModule],
  controllers: [SubscriptionsController],
  providers: [SubscriptionsRepository, SubscriptionsService, UrlGuard],
  exports: [SubscriptionsRepository, SubscriptionsService, UrlGuard],
})
export class SubscriptionsModule {}
