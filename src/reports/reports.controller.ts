import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import { SummaryDto, SummaryQueryDto } from './dto/reports.dto';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /**
   * Period summary for the reporting calendar, per county, department, industry or dimension: obligations per
   * stage as of now, capacity exited within the period per unit, sanction records issued and revoked within
   * it, and the deliveries of the group's records created within it by outcome. The period is from..to
   * (inclusive dates in the jurisdiction's zone) or a preset of a year: june (Jan 1 - May 31), december
   * (Jun 1 - Nov 30), county_summary (Jan 1 - Dec 20: the counties' year summary due 21 December, one row per
   * county with the capacity exited by equipment and line) or year. A department key reads its own
   * department's figures (in its counties, when the key has some). `format=csv` gives the same as a spreadsheet
   * with Chinese headers.
   */
  @Get('summary')
  @Roles('operator', 'department')
  @ApiOkResponse({ type: SummaryDto })
  @ApiProduces('application/json', 'text/csv')
  summary(@Query() query: SummaryQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.reports.summary(query, principal);
  }
}
