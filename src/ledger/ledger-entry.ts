import { LedgerEntryFields, ledgerEntryText } from '../signing/canonical';
import { Hash, leafHash } from './merkle/merkle';

/** A ledger entry exactly as DESIGN section 5 defines it; `hash` covers the other six fields. */
export interface LedgerEntry extends LedgerEntryFields {
  hash: string;
}

/** The entry's leaf in the transparency log: SHA-256(0x00 ‖ canonical JSON of the entry without `hash`). */
export function entryLeafHash(entry: LedgerEntryFields): Hash {
  return leafHash(ledgerEntryText(entry));
}
