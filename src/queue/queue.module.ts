import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/config.schema';
import { DELIVERIES_QUEUE, OPS_QUEUE, PLATFORM_QUEUE } from './queue.constants';
import { bullConnection, queuePrefix } from './redis-connection';

/**
 * The BullMQ connection and the gateway's queues, injectable anywhere with @InjectQueue(name).
 * PostgreSQL stays the truth (DESIGN invariant 6): a job carries ids only, and finished jobs are kept in
 * bounded numbers so Redis does not grow with history.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: bullConnection(config.redis.url),
        prefix: queuePrefix(config.redis.keyPrefix, config.database.url),
        defaultJobOptions: { removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } },
      }),
    }),
    BullModule.registerQueue({ name: DELIVERIES_QUEUE }, { name: OPS_QUEUE }, { name: PLATFORM_QUEUE }),
  ],
  exports: [BullModule],
})
export class QueueModule {}
