import type { LedgerEntryFields } from '../signing/canonical';

/** A ledger entry exactly as DESIGN section 5 defines it; `hash` covers the other six fields. */
export interface LedgerEntry extends LedgerEntryFields {
  hash: string;
}
