import { Module } from '@nestjs/common';
import { SecretBox } from './secret-box';

/** Sealing of secrets at rest with the key-encryption key (SECRETS_KEK); imported by the features that store or use them. */
@Module({ providers: [SecretBox], exports: [SecretBox] })
export class SecretsModule {}
