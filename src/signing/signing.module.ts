import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/config.schema';
import { JwksController } from './jwks.controller';
import { KeyRegistryRepository } from './key-registry.repository';
import { KeyStore } from './key-store';
import { SigningService } from './signing.service';

/** Record, checkpoint and ledger-head signatures for every feature; the keys are loaded (or made) and published before anything starts. */
@Global()
@Module({
  controllers: [JwksController],
  providers: [
    { provide: KeyStore, useFactory: (config: AppConfig) => KeyStore.open(config.signing.keyDir), inject: [AppConfig] },
    KeyRegistryRepository,
    SigningService,
  ],
  exports: [SigningService, KeyRegistryRepository],
})
export class SigningModule {}
