import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Length } from 'class-validator';
import { MEASURES, Measure } from '../common/domain';

export class AmendRecordDto {
  /** The measures that remain; a strict subset of the record's current measures. */
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(MEASURES, { each: true }) measures: Measure[];
  /** Why the measures are narrowed. */
  @IsString() @Length(1, 2000) reason: string;
}

export class RecordSubjectDto {
  /** Unified social credit code of the enterprise. */
  uscc: string;
  /** Enterprise name. */
  name: string;
}

export class RecordReasonDto {
  /** Always `EXIT_DEADLINE_MISSED`. */
  code: string;
  /** Dimension of the obligation: energy, environment, quality, safety or technology. */
  dimension: string;
  /** The obligation the record was issued for. */
  obligationId: string;
  /** The exit deadline that was missed (YYYY-MM-DD). */
  deadline: string;
  /** The department's own case number. */
  externalRef: string;
}

export class RecordDecidedByDto {
  /** Department code. */
  department: string;
  /** County code. */
  county: string;
}

export class RecordAmendmentDto {
  /** Why the measures were narrowed. */
  reason: string;
  /** The measures this version removed. */
  removedMeasures: string[];
}

export class RecordRevocationDto {
  /** `exit_completed` (credit repair after exit) or `expired` (the maximum publication period ended). */
  reason: string;
  /** When the record was revoked (ISO 8601). */
  at: string;
}

export class RecordLedgerDto {
  /** This version's position in the ledger. */
  seq: number;
  /** Hash of the previous ledger entry (64 zeros for the first). */
  prevHash: string;
}

export class SanctionRecordDto {
  /** Record id (ULID), the same for every version. */
  recordId: string;
  /** Version number, from 1. */
  version: number;
  /** sanction.issued, sanction.amended or sanction.revoked. */
  event: string;
  /** The enterprise listed. */
  subject: RecordSubjectDto;
  /** Why the record exists: the missed exit deadline of one obligation. */
  reason: RecordReasonDto;
  /** Legal basis. */
  basis: string[];
  /** Department and county that decided the case. */
  decidedBy: RecordDecidedByDto;
  /** Restriction domains imposed. */
  measures: string[];
  /** Day the restrictions take effect (YYYY-MM-DD). */
  effectiveFrom: string;
  /** When this version was issued (ISO 8601). */
  issuedAt: string;
  /** Day the record was listed (YYYY-MM-DD). */
  listedOn: string;
  /** Day publication ends at the latest (YYYY-MM-DD). */
  publicationEndsOn: string;
  /** The conditions for removal, in words. */
  removalConditions: string;
  /** Present on sanction.amended versions. */
  amendment?: RecordAmendmentDto;
  /** Present on sanction.revoked versions. */
  revocation?: RecordRevocationDto;
  /** Where this version sits in the hash-chained ledger. */
  ledger: RecordLedgerDto;
}

export class SignedRecordVersionDto {
  /** The record version; the JWS payload is its RFC 8785 canonical JSON. */
  record: SanctionRecordDto;
  /** Compact JWS (EdDSA, typ sanction-record+jws); verify with /.well-known/jwks.json. */
  jws: string;
}

export class RecordVersionsDto {
  /** Every version, first to last. */
  items: SignedRecordVersionDto[];
}
