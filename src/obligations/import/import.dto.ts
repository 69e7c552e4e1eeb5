import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { INDUSTRIES, Industry } from '../../common/domain';
import { CreateObligationDto } from '../dto/obligation.dto';

export class InlineEnterpriseDto {
  /** Registered name; with industry it registers (or updates) the enterprise in the same transaction. */
  @IsString() @Length(1, 200) name: string;
  /** Industry of the enterprise. */
  @IsIn(INDUSTRIES) industry: Industry;
  /** County code of the enterprise; the obligation's county when omitted. */
  @IsOptional() @IsString() @Length(1, 32) county?: string;
}

/** One line of an import: the body of POST /v1/obligations, plus the enterprise when it is not registered yet. */
export class ImportRowDto extends CreateObligationDto {
  /** The enterprise itself, for one not yet registered (or to update its name, industry or county). */
  @IsOptional() @ValidateNested() @Type(() => InlineEnterpriseDto) enterprise?: InlineEnterpriseDto;
}

export class ImportResultDto {
  /** Obligations created by this request. */
  imported: number;
  /** Rows whose (department, externalRef) already named the same case. */
  skipped: number;
  /** Enterprises registered by this request (inline rows for codes not known before). */
  enterprisesCreated: number;
  /** The obligation of every row, in file order (new and skipped); only for files under 1,000 rows. */
  obligationIds?: string[];
}
