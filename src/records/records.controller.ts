import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import { AmendRecordDto } from './records.dto';
import { RecordsService } from './records.service';

@ApiTags('records')
@ApiBearerAuth()
@Controller('v1/records')
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  /** The current version `{record, jws}`; the JWS verifies with /.well-known/jwks.json. */
  @Get(':recordId')
  @Roles('operator', 'department', 'agency')
  current(@Param('recordId') recordId: string) {
    return this.records.current(recordId);
  }

  /** Every version in order, each with its JWS. */
  @Get(':recordId/versions')
  @Roles('operator', 'department', 'agency')
  versions(@Param('recordId') recordId: string) {
    return this.records.versions(recordId);
  }

  /** Narrows the measures: a new version with event sanction.amended. */
  @Post(':recordId/amendments')
  @Roles('department')
  amend(@Param('recordId') recordId: string, @Body() dto: AmendRecordDto, @CurrentPrincipal() principal: Principal) {
    return this.records.amend(recordId, dto, principal);
  }
}
