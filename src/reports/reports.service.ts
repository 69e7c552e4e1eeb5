import { Injectable, StreamableFile } from '@nestjs/common';
import { ValidationFailed } from '../common/http/api-error';
import type { Principal } from '../principals/principal';
import { Clock } from '../common/clock';
import { DIMENSIONS, INDUSTRIES } from '../common/domain';
import { Jurisdiction } from '../common/jurisdiction';
import { AppConfig } from '../config/config.schema';
import { DIMENSION_NAMES, INDUSTRY_NAMES } from '../publication/labels';
import type { SummaryDto, SummaryQueryDto } from './dto/reports.dto';
import { resolveWindow } from './reporting-window';
import { GroupBy, ReportScope, ReportsRepository } from './reports.repository';
import { buildGroups, summaryCsv, totalsOf } from './summary';

@Injectable()
export class ReportsService {
  private readonly known: Record<GroupBy, Array<{ code: string; name: string }>>;

  constructor(
    private readonly reports: ReportsRepository,
    private readonly jurisdiction: Jurisdiction,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.known = {
      county: config.jurisdiction.counties,
      department: config.jurisdiction.departments,
      industry: INDUSTRIES.map((code) => ({ code, name: INDUSTRY_NAMES[code] })),
      dimension: DIMENSIONS.map((code) => ({ code, name: DIMENSION_NAMES[code] })),
    };
  }

  /** The period's figures; a department key reads its own department's (in its counties, when it has some). */
  async summary(query: SummaryQueryDto, principal: Principal): Promise<SummaryDto | StreamableFile> {
    const window = resolveWindow(query, this.jurisdiction.today());
    if (query.preset === 'county_summary' && query.groupBy && query.groupBy !== 'county') {
      throw new ValidationFailed([{ field: 'groupBy', message: 'the counties\' year summary (county_summary) has one row per county' }]);
    }
    const groupBy = query.groupBy ?? 'county';
    const scope: ReportScope =
      principal.role === 'department' ? { department: principal.department!, counties: principal.counties.length ? principal.counties : undefined } : {};
    const zone = this.jurisdiction.timeZone;
    const asOf = this.clock.now().toISOString();
    const [stages, capacity, equipment, records, deliveries] = await Promise.all([
      this.reports.stages(groupBy, scope),
      this.reports.capacityExited(groupBy, window, scope),
      this.reports.equipmentExited(groupBy, window, scope),
      this.reports.records(groupBy, window, zone, scope),
      this.reports.deliveries(groupBy, window, zone, scope),
    ]);
    const groups = buildGroups(this.knownIn(groupBy, scope), { stages, capacity, equipment, records, deliveries });
    const summary: SummaryDto = { ...window, groupBy, asOf, ...(scope.department ? { department: scope.department } : {}), groups, totals: totalsOf(groups) };
    if (query.format !== 'csv') return summary;
    const name = `summary-${[groupBy, scope.department, window.from, window.to].filter(Boolean).join('-')}.csv`;
    return new StreamableFile(Buffer.from(summaryCsv(summary), 'utf8'), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${name}"`,
    });
  }

  /** The rows a report always shows: within a department's scope, only its own department and counties. */
  private knownIn(groupBy: GroupBy, scope: ReportScope): Array<{ code: string; name: string }> {
    if (groupBy === 'department' && scope.department) return this.known.department.filter((d) => d.code === scope.department);
    if (groupBy === 'county' && scope.counties) return this.known.county.filter((c) => scope.counties!.includes(c.code));
    return this.known[groupBy];
  }
}
