/** The stored log does not match its last signed checkpoint: checkpoint signing stops until it does again. */
export class LedgerIntegrityError extends Error {}
