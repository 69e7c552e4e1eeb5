import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { DIMENSIONS, Dimension } from '../../common/domain';
import { LIST_STATES, ListState } from '../public-lists';

export class PublicListQueryDto {
  /** Calendar year the list is cut to (see each list for the date it applies to); the exit list defaults to the current year. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1990) @Max(2999) year?: number;
  /** County code from the configured jurisdiction; only that county's entries. */
  @IsOptional() @IsString() county?: string;
  /** Dimension the entries failed: energy, environment, quality, safety or technology. */
  @IsOptional() @IsIn(DIMENSIONS) dimension?: Dimension;
  /** Part of the enterprise's name, or the beginning of its unified social credit code (1-60 characters). */
  @IsOptional() @IsString() @Length(1, 60) q?: string;
  /** current (default): entries on the list now; removed: entries that left it, with 移出日期; all: both. */
  @IsOptional() @IsIn(LIST_STATES) state?: ListState;
  /** The exit list only: dismantled, sealed or closed, so sealed lines can be read apart from dismantled ones. */
  @IsOptional() @IsIn(['dismantled', 'sealed', 'closed']) method?: 'dismantled' | 'sealed' | 'closed';
  /** json (default): one page of `{items, nextCursor}`; csv: the whole filtered list as a UTF-8 CSV with a BOM and Chinese headers. */
  @IsOptional() @IsIn(['json', 'csv']) format?: 'json' | 'csv';
  /** Cursor from the previous page's nextCursor (JSON only). */
  @IsOptional() @IsString() cursor?: string;
  /** Page size, 1-500 (default 100; JSON only). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class CodeNameDto {
  /** Code as configured or fixed by the contract. */
  code: string;
  /** Name printed in the published lists. */
  name: string;
}

export class CapacityLineDto {
  /** Equipment. */
  equipment: string;
  /** Production line, when the order names one. */
  line: string | null;
  /** Capacity amount. */
  amount: number;
  /** Unit of the amount, e.g. 万吨/年. */
  unit: string;
}

/** The national list format's fields (DESIGN section 1), on every list. */
export class ListedEnterpriseDto {
  /** Enterprise name (企业名称); on the sanctions list, the name the record was signed with. */
  name: string;
  /** Unified social credit code (统一社会信用代码). */
  uscc: string;
  /** County of the case. */
  county: CodeNameDto;
  /** Dimension the enterprise failed (energy 能耗, environment 环保, ...). */
  dimension: CodeNameDto;
  /** The deciding department (认定部门). */
  department: CodeNameDto;
  /** The legal basis of the decision (认定依据). */
  basis: string;
  /** The day the entry joined the list (列入日期). */
  listedOn: string;
  /** The day it left the list (移出日期); null while it is on it. */
  removedOn: string | null;
}

export class YellowListItemDto extends ListedEnterpriseDto {
  /** Day the rectification order was issued (the entry's listedOn). */
  issuedOn: string;
  /** Last day to rectify: the extended deadline when an extension was granted. */
  deadline: string;
  /** True when the deadline is an extension. */
  extended: boolean;
  /** True while in rectification once the deadline day has ended in the jurisdiction's time zone. */
  overdue: boolean;
}

export class RedListItemDto extends ListedEnterpriseDto {
  /** Day the obligation was issued. */
  issuedOn: string;
  /** Day the exit (closure) was ordered; null when the case opened with the exit order. */
  decidedOn: string | null;
  /** Last day the exit order gave. */
  exitDeadline: string;
  /** Day of the closure (the entry's listedOn). */
  completedOn: string;
  /** Capacity closed. */
  capacity: CapacityLineDto[];
}

export class ExitListItemDto extends ListedEnterpriseDto {
  /** The enterprise's industry. */
  industry: CodeNameDto;
  /** Equipment or production lines that exited and their capacity (as verified at exit, else as ordered). */
  capacity: CapacityLineDto[];
  /** How the capacity exited: dismantled 拆除, sealed 封存 or closed 关停. */
  method: CodeNameDto;
  /** Day exit was completed (the entry's listedOn). */
  completedOn: string;
  /** Sealed capacity: the time limit for dismantling it; null otherwise. */
  dismantleBy: string | null;
  /** Sealed capacity: the day its dismantling was reported, once it was. */
  dismantledOn: string | null;
}

export class SanctionListItemDto extends ListedEnterpriseDto {
  /** The sanction record's id (ULID); GET /v1/records/{recordId} returns it signed. */
  recordId: string;
  /** Restriction domains (联合惩戒措施) the record imposes. */
  measures: string[];
  /** Day publication ends at the latest. */
  publicationEndsOn: string;
  /** active, or revoked (then removedOn is the revocation's date). */
  status: 'active' | 'revoked';
  /** Why it was revoked: exit_completed (credit repair) or expired. */
  revocationReason: string | null;
}

export class SignedRecordDto {
  /** The record, as the JWS payload holds it. */
  record: Record<string, unknown>;
  /** Compact JWS over the record's canonical JSON (RFC 8785). */
  jws: string;
}

export class PublicListPageDto {
  /** Entries in date order; their fields depend on the list (yellow, red, exit or sanctions). */
  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [
        { $ref: getSchemaPath(YellowListItemDto) },
        { $ref: getSchemaPath(RedListItemDto) },
        { $ref: getSchemaPath(ExitListItemDto) },
        { $ref: getSchemaPath(SanctionListItemDto) },
      ],
    },
  })
  items: Array<YellowListItemDto | RedListItemDto | ExitListItemDto | SanctionListItemDto>;
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}
