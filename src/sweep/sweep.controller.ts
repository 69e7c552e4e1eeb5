import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import { RunSweepDto, SweepResultDto, SweepRunsDto } from './sweep.dto';
import { SweepService } from './sweep.service';

@ApiTags('ops')
@ApiBearerAuth()
@Controller('v1/ops/sweeps')
export class SweepController {
  constructor(private readonly sweeps: SweepService) {}

  /** Runs the deadline sweep now (waiting for one already running) and answers its counts. */
  @Post()
  @HttpCode(200)
  @Roles('operator')
  @ApiOkResponse({ type: SweepResultDto, description: 'The finished sweep\'s counts' })
  run(@Body() dto: RunSweepDto, @CurrentPrincipal() principal: Principal) {
    return this.sweeps.runRequested(dto.asOf ? new Date(dto.asOf) : undefined, principal);
  }

  /** The latest sweeps with their counts. */
  @Get()
  @Roles('operator')
  @ApiOkResponse({ type: SweepRunsDto, description: 'Recent sweep runs' })
  recent() {
    return this.sweeps.recentRuns();
  }
}
