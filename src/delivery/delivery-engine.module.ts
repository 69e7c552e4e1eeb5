import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { QueueModule } from '../queue/queue.module';
import { SecretsModule } from '../secrets/secrets.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { AttemptRecorder } from './attempt-recorder';
import { DeliverUseCase } from './deliver.use-case';
import { DeliveryModule } from './delivery.module';
import { DeliveryProcessor } from './delivery.processor';
import { HttpSenderModule } from './http-sender.module';
import { PushPool } from './push-pool';
import { DeliveryRelay } from './relay.service';

/** Sends what the outbox holds: the relay, the queue worker, the push pool and the push itself. */
@Module({
  imports: [QueueModule, DeliveryModule, SubscriptionsModule, HttpSenderModule, LedgerModule, SecretsModule],
  providers: [AttemptRecorder, DeliverUseCase, PushPool, DeliveryRelay, DeliveryProcessor],
  exports: [DeliveryRelay, AttemptRecorder],
})
export class DeliveryEngineModule {}
