import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import { AmendRecordDto, RecordVersionsDto, SignedRecordVersionDto } from './records.dto';
import { RecordsService } from './records.service';

@ApiTags('records')
@ApiBearerAuth()
@Controller('v1/records')
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  /** The current version `{record, jws}`; the JWS verifies with /.well-known/jwks.json. */
  @Get(':recordId')
  @Roles('operator', 'department', 'agency')
  @ApiOkResponse({ type: SignedRecordVersionDto, description: 'The current version with its JWS' })
  current(@Param('recordId') recordId: string) {
    return this.records.current(recordId);
  }

  /** Every version in order, each with its JWS. */
  @Get(':recordId/versions')
  @Roles('operator', 'department', 'agency')
  @ApiOkResponse({ type: RecordVersionsDto, description: 'Every version with its JWS' })
  versions(@Param('recordId') recordId: string) {
    return this.records.versions(recordId);
  }

  /** Narrows the measures: a new version with event sanction.amended. */
  @Post(':recordId/amendments')
  @Roles('department')
  @ApiCreatedResponse({ type: SignedRecordVersionDto, description: 'The new version with its JWS' })
  amend(@Param('recordId') recordId: string, @Body() dto: AmendRecordDto, @CurrentPrincipal() principal: Principal) {
    return this.records.amend(recordId, dto, principal);
  }
}
