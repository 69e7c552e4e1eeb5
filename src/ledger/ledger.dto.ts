import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { LedgerEntry } from './ledger-entry';

export class LedgerPageQueryDto {
  /** Entries with a greater seq; 0 (default) starts at the beginning. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) afterSeq?: number;
  /** Page size, 1-5000 (default 1000). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(5000) limit?: number;
}

export class LedgerEntryDto implements LedgerEntry {
  /** Position in the chain, from 1. */
  seq: number;
  /** Record id (ULID). */
  recordId: string;
  /** Record version. */
  version: number;
  /** SHA-256 hex of the record version's canonical JSON (RFC 8785). */
  recordHash: string;
  /** The previous entry's `hash`; 64 zeros for the first entry. */
  prevHash: string;
  /** When the entry was appended (ISO 8601). */
  appendedAt: string;
  /** SHA-256 hex of the entry's canonical JSON without `hash`. */
  hash: string;
}

export class LedgerPageDto {
  /** Entries in seq order. */
  items: LedgerEntryDto[];
  /** Pass as `afterSeq` for the next page; null when this page was not full (the end of the chain). */
  nextAfterSeq: number | null;
}

export class LedgerHeadDto {
  /** The last entry; null while the ledger is empty. */
  entry: LedgerEntryDto | null;
  /** Compact JWS (EdDSA, typ ledger-head+jws) over the entry's canonical JSON; null while the ledger is empty. */
  jws: string | null;
}
