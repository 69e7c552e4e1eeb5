/** A ledger entry exactly as DESIGN section 5 defines it; `hash` covers the other six fields. */
export interface LedgerEntry {
  seq: number;
  recordId: string;
  version: number;
  recordHash: string;
  prevHash: string;
  appendedAt: string;
  hash: string;
}
