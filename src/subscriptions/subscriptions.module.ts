import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { SecretsModule } from '../secrets/secrets.module';
import { SecretsReseal } from './secrets-reseal';
import { SubscriptionEntity } from './subscription.entity';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsRepository } from './subscriptions.repository';
import { SubscriptionsService } from './subscriptions.service';
import { UrlGuard } from './url-guard';

@Module({
  imports: [TypeOrmModule.forFeature([SubscriptionEntity]), AuditModule, DeliveryModule, SecretsModule],
  controllers: [SubscriptionsController],
  providers: [SubscriptionsRepository, SubscriptionsService, UrlGuard],
  exports: [SubscriptionsRepository, SubscriptionsService, UrlGuard],
})
export class SubscriptionsModule {}

/** What the gateway runs for subscriptions at start-up (not the CLI, which runs one command and stops). */
@Module({ imports: [SubscriptionsModule], providers: [SecretsReseal] })
export class SubscriptionsStartupModule {}
