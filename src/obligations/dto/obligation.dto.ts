import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { DIMENSIONS, Dimension } from '../../common/domain';
import { IsCivilDate, IsNotBlank } from '../../common/validation/decorators';
import { IsUscc } from '../../enterprises/is-uscc.decorator';
import { STAGES, Stage } from '../stage-machine';
import type { Page } from '../../common/http/cursor';

export class CapacityItemDto {
  /** Equipment, e.g. "450m³ blast furnace". */
  @IsString() @Length(1, 200) @IsNotBlank() equipment: string;
  /** Production line, when the order names one. */
  @IsOptional() @IsString() @Length(1, 200) line?: string;
  /** Capacity amount, positive. */
  @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive() amount: number;
  /** Unit of the amount, e.g. "万吨/年" or "MW". */
  @IsString() @Length(1, 40) @IsNotBlank() unit: string;
}

export class CreateObligationDto {
  /** Enterprise's unified social credit code; the enterprise must be registered. */
  @IsUscc() uscc: string;
  /** Standard dimension the enterprise fails. */
  @IsIn(DIMENSIONS) dimension: Dimension;
  /** Responsible department code from config. */
  @IsString() @Length(1, 64) department: string;
  /** County code from config. */
  @IsString() @Length(1, 32) county: string;
  /** Legal basis of the order, in words. */
  @IsString() @Length(1, 2000) @IsNotBlank() basis: string;
  /** Date the order was issued, YYYY-MM-DD. */
  @IsCivilDate() issuedOn: string;
  /** Capacity concerned: equipment, production line, amount and unit. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => CapacityItemDto)
  capacity: CapacityItemDto[];
  /** The department's own case number, unique per department; a repeat returns the existing obligation. */
  @IsString() @Length(1, 100) @IsNotBlank() externalRef: string;
  /** Rectification deadline (or the exit deadline when stage is exit_ordered); computed from the rules when omitted. */
  @IsOptional() @IsCivilDate() deadline?: string;
  /** Starting stage: rectification (default) or exit_ordered (coal-power closures, technology). */
  @IsOptional() @IsIn(['rectification', 'exit_ordered']) stage?: 'rectification' | 'exit_ordered';
}

export class ListObligationsQueryDto {
  @IsOptional() @IsIn(STAGES) stage?: Stage;
  @IsOptional() @IsString() county?: string;
  @IsOptional() @IsIn(DIMENSIONS) dimension?: Dimension;
  @IsOptional() @IsString() department?: string;
  @IsOptional() @IsUscc() uscc?: string;
  /** Cursor from the previous page's nextCursor. */
  @IsOptional() @IsString() cursor?: string;
  /** Page size, 1-500 (default 100). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class ObligationDto {
  id: string;
  uscc: string;
  dimension: Dimension;
  department: string;
  county: string;
  basis: string;
  issuedOn: string;
  capacity: CapacityItemDto[];
  externalRef: string;
  stage: Stage;
  /** The current stage's deadline as set (rectification or exit). */
  deadline: string;
  extendedTo: string | null;
  extensionCount: number;
  /** extendedTo when set, else deadline: the day after it the obligation is overdue. */
  effectiveDeadline: string;
  previousStage: Stage | null;
  notifiedOn: string | null;
  /** Set when the rectification deadline passed without rectification (flag for the department). */
  rectificationOverdueOn: string | null;
  /** The day the case left rectification (rectified or exit ordered); null while in it or when it opened at exit_ordered. */
  rectificationEndedOn: string | null;
  /** A sealed exit's time limit for dismantling, until dismantling is reported. */
  dismantleBy: string | null;
  /** Set when that time limit passed without a dismantling report (flag for the department). */
  dismantlingOverdueOn: string | null;
  stageDetails: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export class ObligationEventDto {
  id: string;
  action: string;
  actor: { id: string | null; name: string };
  at: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
  details: Record<string, unknown> | null;
}

export class ObligationPageDto implements Page<ObligationDto> {
  /** Obligations matching the filters, oldest first. */
  items: ObligationDto[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

export class ObligationHistoryDto {
  /** Every change to the obligation, in the order made. */
  items: ObligationEventDto[];
}
