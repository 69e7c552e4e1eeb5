import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Page } from '../common/http/cursor';
import { Roles } from '../principals/auth.decorators';
import { AuditEntryDto, AuditPageDto, ListAuditQueryDto } from './dto/audit.dto';
import { AuditService } from './audit.service';

@ApiTags('ops')
@ApiBearerAuth()
@Roles('operator')
@Controller('v1/ops/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** The audit trail, newest first. */
  @Get()
  @ApiOkResponse({ type: AuditPageDto, description: 'One page of audit entries' })
  list(@Query() query: ListAuditQueryDto): Promise<Page<AuditEntryDto>> {
    return this.audit.list(query);
  }
}
