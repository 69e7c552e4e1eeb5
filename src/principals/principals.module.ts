import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthGuard } from './auth.guard';
import { PrincipalEntity } from './principal.entity';
import { PrincipalsRepository } from './principals.repository';
import { PrincipalsService } from './principals.service';

@Module({
  imports: [TypeOrmModule.forFeature([PrincipalEntity])],
  providers: [PrincipalsRepository, PrincipalsService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [PrincipalsService],
})
export class PrincipalsModule {}
