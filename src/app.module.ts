import { DynamicModule, Module } from '@nestjs/common';
import type { Logger as PinoRoot } from 'pino';
import { LoggerModule } from 'nestjs-pino';
import { ClockOpsModule } from './clock/clock-ops.module';
import { Clock } from './common/clock';
import { CoreModule } from './common/core.module';
import { createRootLogger } from './common/logging/http-logging';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { ConfigModule } from './config/config.module';
import { AppConfig } from './config/config.schema';
import { DatabaseModule } from './database/database.module';
import { EnterprisesModule } from './enterprises/enterprises.module';
import { HealthModule } from './health/health.module';
import { ObligationsModule } from './obligations/obligations.module';
import { PrincipalsModule } from './principals/principals.module';
import { RedisModule } from './redis/redis.module';
import { ScheduleModule } from '@nestjs/schedule';
import { DeliveryModule } from './delivery/delivery.module';
import { DeliveryEngineModule } from './delivery/delivery-engine.module';
import { CreditPlatformModule } from './credit-platform/credit-platform.module';
import { LedgerModule } from './ledger/ledger.module';
import { RecordsModule } from './records/records.module';
import { RestrictionsModule } from './restrictions/restrictions.module';
import { SweepModule } from './sweep/sweep.module';
import { SigningModule } from './signing/signing.module';
import { SubscriptionsModule, SubscriptionsStartupModule } from './subscriptions/subscriptions.module';
import { AuditModule } from './audit/audit.module';
import { MetricsModule } from './metrics/metrics.module';
import { OpsModule } from './ops/ops.module';
import { DeliveryStatsModule } from './delivery-stats/delivery-stats.module';
import { QueueModule } from './queue/queue.module';
import { PublicationModule } from './publication/publication.module';
import { ReportsModule } from './reports/reports.module';
import { ConsoleModule } from './console/console.module';
import { FeedbackModule } from './feedback/feedback.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';

export interface AppOptions {
  clock?: Clock;
  logger?: PinoRoot;
  /** Whether Nest closes the application on SIGTERM itself (default); main.ts handles the signals instead. */
  shutdownHooks?: boolean;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CoreModule.forRoot(config, options.clock),
        // Nest's logger over the root pino logger; no per-request middleware (see registerAccessLog).
        LoggerModule.forRoot({ pinoHttp: { logger: options.logger ?? createRootLogger(config.log) }, forRoutes: [] }),
        DatabaseModule,
        RedisModule,
        IdempotencyModule,
        PrincipalsModule,
        EnterprisesModule,
        ObligationsModule,
        SubscriptionsModule,
        SubscriptionsStartupModule,
        SigningModule,
        ScheduleModule.forRoot(),
        DeliveryModule,
        LedgerModule,
        RecordsModule,
        RestrictionsModule,
        SweepModule,
        HealthModule,
        ClockOpsModule,
        QueueModule,
        AuditModule,
        MetricsModule,
        OpsModule,
        DeliveryStatsModule,
        PublicationModule,
        ReportsModule,
        ConsoleModule,
        DeliveryEngineModule,
        CreditPlatformModule,
        FeedbackModule,
        ReconciliationModule,
      ],
    };
  }
}
