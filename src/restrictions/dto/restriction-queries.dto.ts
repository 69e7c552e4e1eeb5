import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { IsInstant } from '../../audit/dto/is-instant';

export class ListRestrictionQueriesDto {
  /** Only lookups by this principal (its id). */
  @IsOptional() @IsUUID() principalId?: string;
  /** Only single lookups of this unified social credit code (a batch keeps its codes' count and hash, not the codes). */
  @IsOptional() @Matches(/^[0-9A-Z]{18}$/, { message: 'must be an 18-character unified social credit code' }) uscc?: string;
  /** Lookups at or after this instant (ISO 8601 with offset). */
  @IsOptional() @IsInstant() since?: string;
  /** Lookups before this instant (ISO 8601 with offset). */
  @IsOptional() @IsInstant() until?: string;
  /** Cursor from the previous page's nextCursor. */
  @IsOptional() @IsString() cursor?: string;
  /** Page size, 1-1000 (default 100). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class QueryPrincipalDto {
  /** The principal's id. */
  id: string;
  /** Its name; null if the principal no longer exists. */
  name: string | null;
}

export class RestrictionQueryDto {
  /** The audit row's id. */
  id: string;
  /** Who looked the code up. */
  principal: QueryPrincipalDto;
  /** The code of a single lookup; null for a batch. */
  uscc: string | null;
  /** When (ISO 8601). */
  at: string;
  /** True for POST /v1/restrictions:batch. */
  batch: boolean;
  /** How many codes the request asked (1 for a single lookup). */
  codes: number;
  /** A batch's codes, as SHA-256 hex of them joined by commas in request order: whoever holds the request can match it. */
  codesHash: string | null;
}

export class RestrictionQueriesPageDto {
  /** Lookups, newest first. */
  items: RestrictionQueryDto[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}
