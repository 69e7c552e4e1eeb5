import type { CivilDate } from '../common/calendar';
import type { Dimension, Measure } from '../common/domain';

export const RECORD_EVENTS = ['sanction.issued', 'sanction.amended', 'sanction.revoked'] as const;
export type RecordEvent = (typeof RECORD_EVENTS)[number];

export type RevocationReason = 'exit_completed' | 'expired';

/** The signed document of DESIGN section 3; every version is complete on its own. */
export interface SanctionRecord {
  recordId: string;
  version: number;
  event: RecordEvent;
  subject: { uscc: string; name: string };
  reason: { code: 'EXIT_DEADLINE_MISSED'; dimension: Dimension; obligationId: string; deadline: CivilDate; externalRef: string };
  basis: string[];
  decidedBy: { department: string; county: string };
  measures: Measure[];
  effectiveFrom: CivilDate;
  issuedAt: string;
  listedOn: CivilDate;
  publicationEndsOn: CivilDate;
  removalConditions: string;
  amendment?: { reason: string; removedMeasures: Measure[] };
  revocation?: { reason: RevocationReason; at: string };
  /** Present only on records dated by a simulated clock (GATEWAY_CLOCK=simulated), so none passes for a real act. */
  simulated?: true;
  ledger: { seq: number; prevHash: string };
}

/** A record version before the ledger places it. */
export type RecordDraft = Omit<SanctionRecord, 'ledger'>;

export interface SignedVersion {
  record: SanctionRecord;
  jws: string;
}
