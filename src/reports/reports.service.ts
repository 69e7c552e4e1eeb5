import { Injectable, StreamableFile } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DIMENSIONS, INDUSTRIES } from '../common/domain';
import { Jurisdiction } from '../common/jurisdiction';
import { AppConfig } from '../config/config.schema';
import { DIMENSION_NAMES, INDUSTRY_NAMES } from '../publication/labels';
import type { SummaryDto, SummaryQueryDto } from './dto/reports.dto';
import { resolveWindow } from './reporting-window';
import { GroupBy, ReportsRepository } from './reports.repository';
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

  async summary(query: SummaryQueryDto): Promise<SummaryDto | StreamableFile> {
    const window = resolveWindow(query, this.jurisdiction.today());
    const groupBy = query.groupBy ?? 'county';
    const zone = this.jurisdiction.timeZone;
    const asOf = this.clock.now().toISOString();
    const [stages, capacity, records, deliveries] = await Promise.all([
      this.reports.stages(groupBy),
      this.reports.capacityExited(groupBy, window),
      this.reports.records(groupBy, window, zone),
      this.reports.deliveries(groupBy, window, zone),
    ]);
    const groups = buildGroups(this.known[groupBy], { stages, capacity, records, deliveries });
    const summary: SummaryDto = { ...window, groupBy, asOf, groups, totals: totalsOf(groups) };
    if (query.format !== 'csv') return summary;
    const name = `summary-${groupBy}-${window.from}-${window.to}.csv`;
    return new StreamableFile(Buffer.from(summaryCsv(summary), 'utf8'), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${name}"`,
    });
  }
}
