import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DeliveryEngineModule } from '../delivery/delivery-engine.module';
import { LedgerModule } from '../ledger/ledger.module';
import { CreditPlatformAdapter } from './credit-platform.adapter';
import { HttpCreditPlatformAdapter } from './http-credit-platform.adapter';
import { PlatformDeliveryUseCase } from './platform-delivery.use-case';
import { PlatformProcessor } from './platform.processor';
import { PlatformSyncController } from './platform-sync.controller';
import { PlatformSyncService } from './platform-sync.service';

/** The national credit platform connector (DESIGN section 7) behind one adapter. */
@Module({
  imports: [
    DeliveryEngineModule,
    LedgerModule,
    HttpModule.register({
      httpAgent: new HttpAgent({ keepAlive: true }),
      httpsAgent: new HttpsAgent({ keepAlive: true }),
      validateStatus: () => true,
      maxRedirects: 0,
      proxy: false,
    }),
  ],
  controllers: [PlatformSyncController],
  providers: [{ provide: CreditPlatformAdapter, useClass: HttpCreditPlatformAdapter }, PlatformDeliveryUseCase, PlatformProcessor, PlatformSyncService],
  exports: [CreditPlatformAdapter],
})
export class CreditPlatformModule {}
