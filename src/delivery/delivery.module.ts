import { Module } from '@nestjs/common';
import { DeliveryRepository } from './delivery.repository';
import { TargetHealthRepository } from './target-health.repository';

/**
 * The deliveries table and its owner: every module that routes, backfills, retries, cancels or repairs a
 * delivery goes through DeliveryRepository. Sending is DeliveryEngineModule's.
 */
@Module({ providers: [DeliveryRepository, TargetHealthRepository], exports: [DeliveryRepository, TargetHealthRepository] })
export class DeliveryModule {}
