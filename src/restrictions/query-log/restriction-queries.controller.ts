import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Page } from '../../common/http/cursor';
import { Roles } from '../../principals/auth.decorators';
import { ListRestrictionQueriesDto, RestrictionQueriesPageDto, RestrictionQueryDto } from '../dto/restriction-queries.dto';
import { RestrictionQueriesService } from './restriction-queries.service';

// No role besides admin: which agency asked about which enterprise is itself sensitive.
@ApiTags('ops')
@ApiBearerAuth()
@Roles()
@Controller('v1/ops/restriction-queries')
export class RestrictionQueriesController {
  constructor(private readonly queries: RestrictionQueriesService) {}

  /** Who looked up which code and when, newest first; lookups from the last fraction of a second may not be listed yet. */
  @Get()
  @ApiOkResponse({ type: RestrictionQueriesPageDto })
  list(@Query() query: ListRestrictionQueriesDto): Promise<Page<RestrictionQueryDto>> {
    return this.queries.list(query);
  }
}
