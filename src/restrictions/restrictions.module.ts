import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { AppConfig } from '../config/config.schema';
import { REDIS } from '../redis/redis.module';
import { QueryRecorder } from './query-log/query-recorder';
import { QueryRetention } from './query-log/query-retention';
import { RestrictionQueriesController } from './query-log/restriction-queries.controller';
import { RestrictionQueriesRepository } from './query-log/restriction-queries.repository';
import { RestrictionQueriesService } from './query-log/restriction-queries.service';
import { RedisThrottlerStorage } from './rate-limit/redis-throttler.storage';
import { CODES_THROTTLER, RestrictionsThrottlerGuard } from './rate-limit/restrictions-throttler.guard';
import { RestrictionsCommitSubscriber } from './mirror/restrictions-commit.subscriber';
import { RestrictionsMirror } from './mirror/restrictions-mirror';
import { RestrictionsController } from './restrictions.controller';
import { RestrictionsRepository } from './restrictions.repository';
import { RestrictionsService } from './restrictions.service';

/**
 * The query side of sanction records. RecordsModule imports it only to keep the table current; nothing here
 * depends on records or delivery, so data flows one way. Its rate limits and query audit live here too.
 */
@Module({
  imports: [
    // Only RestrictionsController uses the guard; no global APP_GUARD, so other routes are not limited.
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS],
      useFactory: (config: AppConfig, redis: Redis) => ({
        throttlers: [
          { name: 'default', limit: config.restrictions.rateLimit.limit, ttl: config.restrictions.rateLimit.ttlMs },
          { name: CODES_THROTTLER, limit: config.restrictions.rateLimit.codes, ttl: config.restrictions.rateLimit.ttlMs },
        ],
        storage: new RedisThrottlerStorage(redis, config.redis.keyPrefix),
      }),
    }),
  ],
  controllers: [RestrictionsController, RestrictionQueriesController],
  providers: [
    RestrictionsRepository,
    RestrictionsMirror,
    RestrictionsCommitSubscriber,
    RestrictionsService,
    RestrictionsThrottlerGuard,
    RestrictionQueriesRepository,
    RestrictionQueriesService,
    QueryRecorder,
    QueryRetention,
  ],
  exports: [RestrictionsRepository],
})
export class RestrictionsModule {}
