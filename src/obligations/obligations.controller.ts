import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Page } from '../common/http/cursor';
import { IdempotencyInterceptor } from '../common/idempotency/idempotency.interceptor';
import { CurrentPrincipal, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import {
  CreateObligationDto,
  ListObligationsQueryDto,
  ObligationDto,
  ObligationEventDto,
  ObligationHistoryDto,
  ObligationPageDto,
} from './dto/obligation.dto';
import { DismantledDto, ExitCompletedDto, ExitOrderDto, ExtensionDto, ObjectionDto, RectifiedDto } from './dto/stage-change.dto';
import { ObligationStageService } from './obligation-stage.service';
import { ObligationsService } from './obligations.service';

@ApiTags('obligations')
@ApiBearerAuth()
@Controller('v1/obligations')
export class ObligationsController {
  constructor(
    private readonly obligations: ObligationsService,
    private readonly stages: ObligationStageService,
  ) {}

  /** Opens an obligation: 201 when new, 200 when (department, externalRef) already named the same case. */
  @Post()
  @Roles('department')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Replays the first answer for a repeated key' })
  async create(
    @Body() dto: CreateObligationDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ObligationDto> {
    const { obligation, created } = await this.obligations.create(dto, principal);
    reply.status(created ? 201 : 200);
    return obligation;
  }

  /** Lists obligations by stage, county, dimension, department or code, with cursor paging; a department key sees its own scope. */
  @Get()
  @Roles('department', 'operator')
  @ApiOkResponse({ type: ObligationPageDto, description: 'One page of obligations' })
  list(@Query() query: ListObligationsQueryDto, @CurrentPrincipal() principal: Principal): Promise<Page<ObligationDto>> {
    return this.obligations.list(query, principal);
  }

  /** One obligation with its stage, deadlines and stage details. */
  @Get(':id')
  @Roles('department', 'operator')
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<ObligationDto> {
    return this.obligations.get(id, principal);
  }

  /** Every change: who, what, when, before and after. */
  @Get(':id/history')
  @Roles('department', 'operator')
  @ApiOkResponse({ type: ObligationHistoryDto, description: 'The obligation\'s changes' })
  history(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<{ items: ObligationEventDto[] }> {
    return this.obligations.history(id, principal);
  }

  /**
   * Grants an extension of the rectification deadline within the dimension's rule (422 beyond it); applied for
   * (`appliedOn`, today by default) on or before that deadline. After an upheld objection it extends the exit deadline.
   */
  @Post(':id/extension')
  @HttpCode(200)
  @Roles('department')
  extend(@Param('id') id: string, @Body() dto: ExtensionDto, @CurrentPrincipal() p: Principal): Promise<ObligationDto> {
    return this.stages.extend(id, dto, p);
  }

  /** Records verified rectification: rectification → rectified. */
  @Post(':id/rectified')
  @HttpCode(200)
  @Roles('department')
  rectified(@Param('id') id: string, @Body() dto: RectifiedDto, @CurrentPrincipal() p: Principal): Promise<ObligationDto> {
    return this.stages.rectify(id, dto, p);
  }

  /** Orders exit with an exit deadline: rectification → exit_ordered; again, with a later deadline, after an upheld objection. */
  @Post(':id/exit-order')
  @HttpCode(200)
  @Roles('department')
  exitOrder(@Param('id') id: string, @Body() dto: ExitOrderDto, @CurrentPrincipal() p: Principal): Promise<ObligationDto> {
    return this.stages.orderExit(id, dto, p);
  }

  /**
   * Records completed exit (dismantled, sealed or closed) from exit_ordered, notified or sanctioned → exited.
   * Sealing carries what the seed requires (`sealing`, with the time limit `dismantleBy`).
   */
  @Post(':id/exit-completed')
  @HttpCode(200)
  @Roles('department')
  exitCompleted(@Param('id') id: string, @Body() dto: ExitCompletedDto, @CurrentPrincipal() p: Principal): Promise<ObligationDto> {
    return this.stages.completeExit(id, dto, p);
  }

  /** Reports that a sealed exit's equipment was dismantled, ending its time limit (409 unless it exited by sealing). */
  @Post(':id/dismantled')
  @HttpCode(200)
  @Roles('department')
  dismantled(@Param('id') id: string, @Body() dto: DismantledDto, @CurrentPrincipal() p: Principal): Promise<ObligationDto> {
    return this.stages.reportDismantled(id, dto, p);
  }

  /**
   * Decides an objection (异议) to a notice (stage notified), raised within the notice period: upheld returns
   * the obligation to its previous stage (where the department may act again), rejected keeps it notified.
   */
  @Post(':id/objection')
  @HttpCode(200)
  @Roles('department')
  objection(@Param('id') id: string, @Body() dto: ObjectionDto, @CurrentPrincipal() p: Principal): Promise<ObligationDto> {
    return this.stages.objection(id, dto, p);
  }
}
