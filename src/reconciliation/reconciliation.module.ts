import { Module } from '@nestjs/common';
import { CreditPlatformModule } from '../credit-platform/credit-platform.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { AgencyReconciler } from './agency-reconciler';
import { DifferenceRepairs } from './difference-repairs';
import { PlatformListingRepository } from './platform-listing.repository';
import { PlatformReconciler } from './platform-reconciler';
import { ReconciliationController } from './reconciliation.controller';
import { ReconciliationRepository } from './reconciliation.repository';
import { ReconciliationScheduler } from './reconciliation.scheduler';
import { ReconciliationService } from './reconciliation.service';

/** Reconciliation with the national platform and with agencies (DESIGN section 7): reports, repairs, the nightly run. */
@Module({
  imports: [CreditPlatformModule, DeliveryModule],
  controllers: [ReconciliationController],
  providers: [ReconciliationRepository, PlatformListingRepository, DifferenceRepairs, PlatformReconciler, AgencyReconciler, ReconciliationService, ReconciliationScheduler],
  exports: [ReconciliationService],
})
export class ReconciliationModule {}
