import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { QueueModule } from '../queue/queue.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { AttemptRecorder } from './attempt-recorder';
import { DeliverUseCase } from './deliver.use-case';
import { DeliveryProcessor } from './delivery.processor';
import { DeliveryRepository } from './delivery.repository';
import { HttpSenderModule } from './http-sender.module';
import { DeliveryRelay } from './relay.service';

/** Sends what the outbox holds: the relay, the queue worker and the push itself. */
@Module({
  imports: [QueueModule, SubscriptionsModule, HttpSenderModule, LedgerModule],
  providers: [DeliveryRepository, AttemptRecorder, DeliverUseCase, DeliveryRelay, DeliveryProcessor],
  exports: [DeliveryRepository, DeliveryRelay, AttemptRecorder],
})
export class DeliveryEngineModule {}
