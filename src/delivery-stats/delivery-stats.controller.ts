import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../principals/auth.decorators';
import { DeliveryStatsService } from './delivery-stats.service';
import { DeliveryStatsDto, DeliveryStatsQueryDto } from './dto/delivery-stats.dto';

@ApiTags('ops')
@ApiBearerAuth()
@Roles('operator')
@Controller('v1/ops/stats')
export class DeliveryStatsController {
  constructor(private readonly stats: DeliveryStatsService) {}

  /** Deliveries, failures and attempt latency (p50, p99) per bucket, circuit openings, and each target's circuit and queue age now. */
  @Get('deliveries')
  @ApiOkResponse({ type: DeliveryStatsDto })
  deliveries(@Query() query: DeliveryStatsQueryDto): Promise<DeliveryStatsDto> {
    return this.stats.deliveries(query);
  }
}
