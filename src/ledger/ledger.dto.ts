import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
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
  /** With `include=records`: the record version's JWS (its payload is the record); null if the version is missing. */
  jws?: string | null;
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

export class LedgerPageQueryWithRecordsDto extends LedgerPageQueryDto {
  /** `records` adds each entry's record version JWS (`jws`), so a verifier can check `recordHash` and the signature. */
  @IsOptional() @IsIn(['records']) include?: 'records';
}

export class CheckpointQueryDto {
  /** An earlier checkpoint by its tree size (every checkpoint is kept); the newest when omitted. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) treeSize?: number;
}

export class InclusionQueryDto {
  /** The entry's seq (its leaf index is seq - 1). */
  @Type(() => Number) @IsInt() @Min(1) seq: number;
  /** The tree size the proof is for; the newest checkpoint's when omitted. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) treeSize?: number;
}

export class ConsistencyQueryDto {
  /** The earlier tree size (one you hold a checkpoint for). */
  @Type(() => Number) @IsInt() @Min(1) from: number;
  /** The later tree size; the newest checkpoint's when omitted. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) to?: number;
}

export class CosignatureDto {
  /** The witness's registered name. */
  witness: string;
  /** Compact JWS (typ ledger-checkpoint+jws) by the witness's key over the checkpoint's canonical JSON. */
  jws: string;
}

export class CheckpointDto {
  /** How many ledger entries the tree holds. */
  treeSize: number;
  /** RFC 9162 root of the tree over the entries in seq order, lowercase hex. */
  rootHash: string;
  /** When the gateway signed it (ISO 8601). */
  timestamp: string;
  /** Compact JWS (EdDSA, typ ledger-checkpoint+jws) over the canonical JSON of {treeSize, rootHash, timestamp}. */
  jws: string;
  /** Countersignatures by witnesses. */
  cosignatures: CosignatureDto[];
}

export class InclusionProofDto {
  seq: number;
  /** seq - 1. */
  leafIndex: number;
  treeSize: number;
  /** RFC 9162 section 2.1.3 audit path, lowercase hex, the leaf's sibling first. */
  auditPath: string[];
}

export class ConsistencyProofDto {
  from: number;
  to: number;
  /** RFC 9162 section 2.1.4 consistency proof, lowercase hex. */
  proof: string[];
}

export class CosignRequestDto {
  /** The witness's registered name. */
  @IsString() @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/) witness: string;
  /** Compact JWS by the witness's key over the canonical JSON of {treeSize, rootHash, timestamp} of a stored checkpoint. */
  @IsString() @Matches(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/) jws: string;
}
