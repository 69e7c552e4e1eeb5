import { Module } from '@nestjs/common';
import { CoreModule } from '../common/core.module';
import { ConfigModule } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { DatabaseModule } from '../database/database.module';
import { TransparencyRepository } from '../ledger/transparency.repository';
import { PrincipalsModule } from '../principals/principals.module';
import { SigningModule } from '../signing/signing.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';

/** What the command line needs: config, database and the features its commands drive; no HTTP, no workers. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig) {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), CoreModule.forRoot(config), DatabaseModule, PrincipalsModule, SigningModule, SubscriptionsModule],
      // The ledger's repository alone: the CLI registers witnesses but runs no checkpointer.
      providers: [TransparencyRepository],
    };
  }
}
