import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../principals/auth.decorators';
import { PlatformSyncResultDto } from './dto/platform-sync.dto';
import { PlatformSyncService } from './platform-sync.service';

@ApiTags('ops')
@ApiBearerAuth()
@Controller('v1/ops/platform-sync')
export class PlatformSyncController {
  constructor(private readonly sync: PlatformSyncService) {}

  /** Hands every due delivery for the national platform to the platform workers now. */
  @Post()
  @HttpCode(202)
  @Roles('operator')
  @ApiAcceptedResponse({ type: PlatformSyncResultDto, description: 'How many deliveries were handed over' })
  run() {
    return this.sync.run();
  }
}
