import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Page } from '../common/http/cursor';
import { CurrentPrincipal, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import {
  BulkJobDto,
  BulkRetryDto,
  CancelDeliveryDto,
  DeliveryDetailDto,
  DeliveryDto,
  DeliveryPageDto,
  JobAcceptedDto,
  ListDeliveriesQueryDto,
  TargetHealthDto,
  TargetsOverviewDto,
} from './dto/deliveries.dto';
import { OpsDeliveriesService } from './ops-deliveries.service';
import { TargetsService } from './targets.service';

@ApiTags('ops')
@ApiBearerAuth()
@Roles('operator')
@Controller('v1/ops')
export class OpsDeliveriesController {
  constructor(
    private readonly deliveries: OpsDeliveriesService,
    private readonly targets: TargetsService,
  ) {}

  /** Transmissions, newest first, by status (comma list), target, creation time, last HTTP status, error text or record. */
  @Get('deliveries')
  @ApiOkResponse({ type: DeliveryPageDto, description: 'One page of deliveries' })
  list(@Query() query: ListDeliveriesQueryDto): Promise<Page<DeliveryDto>> {
    return this.deliveries.list(query);
  }

  /** One delivery with every attempt and the signed record version it carries. */
  @Get('deliveries/:id')
  get(@Param('id') id: string): Promise<DeliveryDetailDto> {
    return this.deliveries.get(id);
  }

  /** Makes a dead, failed, cancelled or pending delivery due now (same id, attempts kept); 409 when delivered or in flight. */
  @Post('deliveries/:id/retry')
  @HttpCode(200)
  retry(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<DeliveryDto> {
    return this.deliveries.retry(id, principal);
  }

  /** Stops a pending, failed or dead delivery for good, with the reason; 409 otherwise. */
  @Post('deliveries/:id/cancel')
  @HttpCode(200)
  cancel(@Param('id') id: string, @Body() dto: CancelDeliveryDto, @CurrentPrincipal() principal: Principal): Promise<DeliveryDto> {
    return this.deliveries.cancel(id, dto, principal);
  }

  /** Retries every delivery matching the filter (dead by default) in the background; follow the job at /v1/ops/jobs/{jobId}. */
  // Fastify reads "::" as a literal colon, so this is POST /v1/ops/deliveries:retry.
  @Post('deliveries::retry')
  @HttpCode(202)
  bulkRetry(@Body() dto: BulkRetryDto, @CurrentPrincipal() principal: Principal): Promise<JobAcceptedDto> {
    return this.deliveries.bulkRetry(dto.filter, principal);
  }

  /** A background job's progress. */
  @Get('jobs/:id')
  job(@Param('id') id: string): Promise<BulkJobDto> {
    return this.deliveries.job(id);
  }

  /** Per target: circuit, failures, the last 24 hours of attempts and the oldest delivery still waiting. */
  @Get('targets')
  @ApiOkResponse({ type: TargetsOverviewDto, description: 'Health of every target' })
  overview(): Promise<{ items: TargetHealthDto[] }> {
    return this.targets.overview();
  }
}
