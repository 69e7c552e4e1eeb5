import { Module } from '@nestjs/common';
import { PublicationController } from './publication.controller';
import { PublicationRepository } from './publication.repository';
import { PublicationService } from './publication.service';
import { SiteController } from './site/site.controller';

/** The public lists: read-only views over obligations and records, served without a key. */
@Module({
  controllers: [PublicationController, SiteController],
  providers: [PublicationRepository, PublicationService],
})
export class PublicationModule {}
