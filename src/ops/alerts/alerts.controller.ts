import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Page } from '../../common/http/cursor';
import { Roles } from '../../principals/auth.decorators';
import { AlertDto, AlertPageDto, ListAlertsQueryDto } from './alerts.dto';
import { AlertsService } from './alerts.service';

@ApiTags('ops')
@ApiBearerAuth()
@Roles('operator')
@Controller('v1/ops/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /** Alerts raised by the delivery engine, newest first, with when each was posted to the alert webhook. */
  @Get()
  @ApiOkResponse({ type: AlertPageDto, description: 'One page of alerts' })
  list(@Query() query: ListAlertsQueryDto): Promise<Page<AlertDto>> {
    return this.alerts.list(query);
  }
}
