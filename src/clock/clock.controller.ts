import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import { ClockDto, MoveClockDto } from './clock.dto';
import { ClockService } from './clock.service';

@ApiTags('ops')
@ApiBearerAuth()
@Controller('v1/ops/clock')
export class ClockController {
  constructor(private readonly clocks: ClockService) {}

  /** Moves the simulated clock forward (admin): 409 for an earlier instant, 404 when the gateway runs on the system clock. */
  @Post()
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ type: ClockDto, description: 'The clock after the move' })
  move(@Body() dto: MoveClockDto, @CurrentPrincipal() principal: Principal): Promise<ClockDto> {
    return this.clocks.move(new Date(dto.now), principal);
  }
}
