import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';

export const BATCH_MAX = 1000;

export class BatchLookupDto {
  /** 1 to 1,000 unified social credit codes; answered in this order, repeats included. Each bad code is named by its index. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(BATCH_MAX) usccs: string[];
}

export class RestrictionMeasureDto {
  /** The restriction domain (one of the nine measures) the caller may see. */
  domain: string;
  /** The sanction record that imposes it. */
  recordId: string;
  /** The date the record was listed (YYYY-MM-DD), from which the restriction applies. */
  since: string;
}

export class RestrictionAnswerDto {
  /** The code asked about. */
  uscc: string;
  /** When the answer was read (ISO 8601). */
  asOf: string;
  /** True when at least one active record restricts the code in one of the caller's domains. */
  restricted: boolean;
  /** The restrictions in the caller's domains, ordered by domain then record. */
  measures: RestrictionMeasureDto[];
}

export class BatchAnswerDto {
  /** When the answers were read (ISO 8601). */
  asOf: string;
  /** One answer per requested code, in request order. */
  items: RestrictionAnswerDto[];
}
