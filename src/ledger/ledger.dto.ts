import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class LedgerPageQueryDto {
  /** Entries with a greater seq; 0 (default) starts at the beginning. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) afterSeq?: number;
  /** Page size, 1-5000 (default 1000). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(5000) limit?: number;
}
