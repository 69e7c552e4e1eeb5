import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Page } from '../common/http/cursor';
import { CurrentPrincipal, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import {
  ListReconciliationsQueryDto,
  ReconciliationDto,
  ReconciliationItemsQueryDto,
  ReconciliationSummaryDto,
  StartReconciliationDto,
} from './dto/reconciliation.dto';
import { ReconciliationService } from './reconciliation.service';

@ApiTags('ops')
@ApiBearerAuth()
@Roles('operator')
@Controller('v1/ops/reconciliations')
export class ReconciliationController {
  constructor(private readonly reconciliations: ReconciliationService) {}

  /** Starts a reconciliation of `credit-platform` or of one agency (a subscription id) in the background; 409 while one runs for the target. */
  @Post()
  @HttpCode(202)
  start(@Body() dto: StartReconciliationDto, @CurrentPrincipal() principal: Principal): Promise<ReconciliationSummaryDto> {
    return this.reconciliations.start(dto.target, principal);
  }

  /** Reconciliations, newest first. */
  @Get()
  list(@Query() query: ListReconciliationsQueryDto): Promise<Page<ReconciliationSummaryDto>> {
    return this.reconciliations.list(query);
  }

  /** One report: status, counts and a page of its items (follow `nextCursor` for more). */
  @Get(':id')
  get(@Param('id') id: string, @Query() query: ReconciliationItemsQueryDto): Promise<ReconciliationDto> {
    return this.reconciliations.get(id, query);
  }
}
