import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { INDUSTRIES, Industry } from '../../common/domain';
import { IsNotBlank } from '../../common/validation/decorators';
import { IsUscc } from '../is-uscc.decorator';
import type { Page } from '../../common/http/cursor';

export class CreateEnterpriseDto {
  /** Unified social credit code (统一社会信用代码), 18 characters; the check character must match. */
  @IsUscc() uscc: string;
  /** Registered name. */
  @IsString() @Length(1, 200) @IsNotBlank() name: string;
  /** County code from the jurisdiction's configuration, e.g. 441602. */
  @IsString() @Length(1, 32) county: string;
  /** Industry of the enterprise. */
  @IsIn(INDUSTRIES) industry: Industry;
}

export class ListEnterprisesQueryDto {
  /** `org_code_mismatch` lists codes whose embedded organisation code fails its own check. */
  @IsOptional() @IsIn(['org_code_mismatch']) quality?: 'org_code_mismatch';
  /** Only enterprises in this county. */
  @IsOptional() @IsString() county?: string;
  /** Cursor from the previous page's nextCursor. */
  @IsOptional() @IsString() cursor?: string;
  /** Page size, 1-500 (default 100). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class EnterpriseDto {
  uscc: string;
  name: string;
  county: string;
  industry: Industry;
  /** False when the embedded organisation code fails its GB 11714 check. */
  orgCodeValid: boolean;
  createdAt: string;
  updatedAt: string;
  /** Data-quality notes that did not stop the request, e.g. `org_code_mismatch`. */
  warnings?: string[];
}

export class EnterprisePageDto implements Page<EnterpriseDto> {
  /** Enterprises in code order. */
  items: EnterpriseDto[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

export class MasterDataDto {
  name: string;
  county: string;
  industry: Industry;
}

export class EnterpriseEventDto {
  id: string;
  /** `registered` (first seen) or `changed` (name, county or industry). */
  action: 'registered' | 'changed';
  /** The key that made the change (id and name). */
  actor: { id: string | null; name: string };
  at: string;
  /** The register before the change; null when it was registered. */
  before: MasterDataDto | null;
  after: MasterDataDto;
}

export class EnterpriseHistoryDto {
  /** Every registration and change, oldest first. */
  items: EnterpriseEventDto[];
}
