import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnterpriseEntity, EnterpriseEventEntity } from './enterprise.entity';
import { EnterprisesController } from './enterprises.controller';
import { EnterprisesRepository } from './enterprises.repository';
import { EnterprisesService } from './enterprises.service';

@Module({
  imports: [TypeOrmModule.forFeature([EnterpriseEntity, EnterpriseEventEntity])],
  controllers: [EnterprisesController],
  providers: [EnterprisesRepository, EnterprisesService],
  exports: [EnterprisesRepository, EnterprisesService],
})
export class EnterprisesModule {}
