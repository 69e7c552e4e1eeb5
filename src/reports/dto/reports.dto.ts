import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsCivilDate } from '../../common/validation/decorators';
import { GROUP_BYS, GroupBy } from '../reports.repository';
import { Preset, PRESET_NAMES } from '../reporting-window';

export class SummaryQueryDto {
  /** First day of the period, YYYY-MM-DD in the jurisdiction's zone, inclusive; required unless preset is given. */
  @IsOptional() @IsCivilDate() from?: string;
  /** Last day of the period, inclusive; not before from. */
  @IsOptional() @IsCivilDate() to?: string;
  /**
   * june: Jan 1 - May 31 (departments' report due before June); december: Jun 1 - Nov 30 (due before December);
   * county_summary: Jan 1 - Dec 20, one row per county (the counties' year summary due 21 December);
   * year: Jan 1 - Dec 31. Excludes from and to.
   */
  @IsOptional() @IsIn(PRESET_NAMES) preset?: Preset;
  /** Year of the preset; the current year by default. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1990) @Max(2999) year?: number;
  /** What the rows are: county (default, and the only one with county_summary), department, industry or dimension. */
  @IsOptional() @IsIn(GROUP_BYS) groupBy?: GroupBy;
  /** json (default) or csv (UTF-8 with a byte order mark, Chinese headers, one line per group and a total). */
  @IsOptional() @IsIn(['json', 'csv']) format?: 'json' | 'csv';
}

export class CapacityAmountDto {
  /** Unit as the obligations gave it, e.g. 万吨/年 or MW. */
  unit: string;
  /** Sum of the amounts in that unit. */
  amount: number;
}

export class EquipmentAmountDto {
  /** Equipment as the obligation or the exit report named it. */
  equipment: string;
  /** Production line, when named. */
  line: string | null;
  unit: string;
  amount: number;
}

export class RecordCountsDto {
  /** Records listed within the period. */
  issued: number;
  /** Records revoked within the period (local date of the revocation). */
  revoked: number;
}

export class DeliveryCountsDto {
  /** Received by the target. */
  delivered: number;
  /** Given up after the last retry; needs an operator. */
  dead: number;
  /** Still on the way: pending, failed (retrying) or in flight. */
  pending: number;
  /** Cancelled by an operator. */
  cancelled: number;
}

export class SummaryGroupDto {
  /** The group's code (county or department code from config, industry or dimension code). */
  code: string;
  /** Its name (configured name, or the Chinese name of the industry or dimension). */
  name: string;
  /** Obligations per stage as of now, every stage present. */
  obligations: Record<string, number>;
  /** Capacity of obligations whose exit completed within the period, per unit. */
  capacityExited: CapacityAmountDto[];
  /** The same capacity by equipment and production line (the counties' year summary lists it). */
  equipmentExited: EquipmentAmountDto[];
  /** Sanction records issued and revoked within the period. */
  records: RecordCountsDto;
  /** Deliveries (to agencies and the national platform) created within the period, of this group's records, by current status. */
  deliveries: DeliveryCountsDto;
}

export class SummaryDto {
  /** First day of the period. */
  from: string;
  /** Last day of the period. */
  to: string;
  /** What the groups are. */
  groupBy: GroupBy;
  /** When the report was read (ISO 8601). */
  asOf: string;
  /** Set when a department key read the report: only that department's cases are counted. */
  department?: string;
  /** One per configured county or department (or per industry or dimension), plus any other code found in the data. */
  groups: SummaryGroupDto[];
  /** The sums over all groups. */
  totals: Omit<SummaryGroupDto, 'code' | 'name'>;
}
