import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import { RunSweepDto, SweepPreviewDto, SweepResultDto, SweepRunsDto } from './sweep.dto';
import { SweepService } from './sweep.service';

@ApiTags('ops')
@ApiBearerAuth()
@ApiExtraModels(SweepResultDto, SweepPreviewDto)
@Controller('v1/ops/sweeps')
export class SweepController {
  constructor(private readonly sweeps: SweepService) {}

  /**
   * Runs the deadline sweep now (waiting for one already running) and answers its counts. `asOf` may name an
   * earlier instant (which deadlines count as missed), never a later one (422); every act is dated today.
   * With `dryRun: true` it answers what a sweep at `asOf` (any instant) would do, with the obligations, and writes nothing.
   */
  @Post()
  @HttpCode(200)
  @Roles('operator')
  @ApiOkResponse({
    description: 'The finished sweep\'s counts, or a dry run\'s preview',
    schema: { oneOf: [{ $ref: getSchemaPath(SweepResultDto) }, { $ref: getSchemaPath(SweepPreviewDto) }] },
  })
  run(@Body() dto: RunSweepDto, @CurrentPrincipal() principal: Principal) {
    return this.sweeps.runRequested({ asOf: dto.asOf ? new Date(dto.asOf) : undefined, dryRun: dto.dryRun === true }, principal);
  }

  /** The latest sweeps with their counts. */
  @Get()
  @Roles('operator')
  @ApiOkResponse({ type: SweepRunsDto, description: 'Recent sweep runs' })
  recent() {
    return this.sweeps.recentRuns();
  }
}
