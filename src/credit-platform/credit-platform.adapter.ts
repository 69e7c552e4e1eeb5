import type { AttemptOutcome } from '../delivery/retry-policy';
import type { Inclusion } from '../ledger/proofs.service';
import type { SanctionRecord } from '../records/sanction-record';

export interface PlatformItem {
  type: string;
  record: SanctionRecord;
  jws: string;
  /** The record's inclusion proof in the transparency log (DESIGN section 5). */
  inclusion: Inclusion;
}

export interface PlatformItemResult {
  recordId: string;
  version: number;
  status: 'accepted' | 'duplicate' | 'rejected';
  reason?: string;
}

export interface PlatformHolding {
  recordId: string;
  version: number;
  contentHash: string;
  status: 'active' | 'revoked';
}

export type PushOutcome =
  | { kind: 'results'; status: number; results: PlatformItemResult[]; durationMs: number }
  | { kind: 'failure'; outcome: AttemptOutcome; durationMs: number; snippet: string | null };

/**
 * The national credit platform as the gateway sees it (DESIGN section 7). Its real API is not public, so
 * everything the gateway needs goes through this one interface; the HTTP implementation speaks the contract
 * the bundled sandbox implements.
 */
export abstract class CreditPlatformAdapter {
  /** False when the connector has no credentials: its deliveries then wait. */
  abstract enabled(): boolean;
  abstract pushBatch(items: PlatformItem[]): Promise<PushOutcome>;
  /** One page of what the platform holds for our source, in no promised order (items may repeat across pages). Throws when the platform fails. */
  abstract list(page: { cursor?: string | null; updatedAfter?: string; limit: number }): Promise<{ items: PlatformHolding[]; nextCursor: string | null }>;
}
