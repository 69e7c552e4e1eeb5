import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { RequestActorInterceptor } from './request-actor';

/** AuditService for every feature, and GET /v1/ops/audit. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, { provide: APP_INTERCEPTOR, useClass: RequestActorInterceptor }],
  exports: [AuditService],
})
export class AuditModule {}
