/**
 * The heart of platform reconciliation, free of I/O: two streams sorted by recordId (the gateway's ledger and
 * the platform's listing) are compared a buffer at a time, so neither side is ever held whole in memory.
 */

export interface LocalEntry {
  recordId: string;
  version: number;
  /** SHA-256 hex of the current version's canonical JSON. */
  recordHash: string;
  status: 'active' | 'revoked';
}

export interface RemoteEntry {
  recordId: string;
  version: number;
  contentHash: string;
  status: 'active' | 'revoked';
}

export const DIFFERENCE_KINDS = ['missingRemote', 'staleRemote', 'revokedLocally', 'unknownRemote'] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

export interface Difference {
  kind: DifferenceKind;
  recordId: string;
  localVersion: number | null;
  remoteVersion: number | null;
}

export interface MergeStep {
  matched: number;
  differences: Difference[];
  /** How many entries from the front of each buffer were decided; the rest wait for the next step. */
  localUsed: number;
  remoteUsed: number;
}

/** What one record's two sides say, or null when they agree. */
export function classify(local: LocalEntry | null, remote: RemoteEntry | null): DifferenceKind | null {
  if (!remote) return 'missingRemote';
  if (!local) return 'unknownRemote';
  // Checked before staleness: the remote copy is necessarily older, and what it lacks is the revocation.
  if (local.status === 'revoked' && remote.status === 'active') return 'revokedLocally';
  if (remote.version < local.version || remote.contentHash !== local.recordHash) return 'staleRemote';
  return null;
}

/**
 * Decides every entry that can be decided from the two buffers. An entry on one side can only be called
 * one-sided once the other side has moved past its id, or has ended; so a buffer that runs dry before its
 * stream ends stops the step, and the caller refills it.
 */
export function mergeStep(local: readonly LocalEntry[], remote: readonly RemoteEntry[], localEnded: boolean, remoteEnded: boolean): MergeStep {
  const step: MergeStep = { matched: 0, differences: [], localUsed: 0, remoteUsed: 0 };
  let i = 0;
  let j = 0;
  const decide = (l: LocalEntry | null, r: RemoteEntry | null) => {
    const kind = classify(l, r);
    if (kind === null) step.matched++;
    else step.differences.push({ kind, recordId: (l ?? r)!.recordId, localVersion: l?.version ?? null, remoteVersion: r?.version ?? null });
  };
  while (i < local.length && j < remote.length) {
    const l = local[i];
    const r = remote[j];
    if (l.recordId === r.recordId) {
      decide(l, r);
      i++;
      j++;
    } else if (l.recordId < r.recordId) decide(local[i++], null);
    else decide(null, remote[j++]);
  }
  if (j === remote.length && remoteEnded) for (; i < local.length; i++) decide(local[i], null);
  if (i === local.length && localEnded) for (; j < remote.length; j++) decide(null, remote[j]);
  step.localUsed = i;
  step.remoteUsed = j;
  return step;
}

/**
 * The merge is only right if both streams really are ascending in the same order as JavaScript's string
 * comparison; a listing or collation that disagrees must stop the run, not misreport every record.
 */
export function outOfOrder(entries: ReadonlyArray<{ recordId: string }>, after: string | null): string | null {
  let previous = after;
  for (const e of entries) {
    if (previous !== null && !(e.recordId > previous)) return `${e.recordId} follows ${previous}`;
    previous = e.recordId;
  }
  return null;
}
