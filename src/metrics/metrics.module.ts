import { Global, Module } from '@nestjs/common';
import { DeliveryMetrics } from './delivery-metrics';
import { DeliverySnapshots } from './delivery-snapshots';
import { GatewayCollector } from './gateway-collector';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics.registry';
import { MetricsRepository } from './metrics.repository';

/** GET /metrics and the registry other features add their metrics to. Needs QueueModule for queue depth. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsRegistry, DeliveryMetrics, MetricsRepository, DeliverySnapshots, GatewayCollector],
  exports: [MetricsRegistry, DeliveryMetrics],
})
export class MetricsModule {}
