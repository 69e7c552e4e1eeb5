import type { ReconciliationCountsDto, ReconciliationItemDto, ReconciliationSummaryDto } from './dto/reconciliation.dto';
import type { ItemRow, RunRow } from './reconciliation.repository';

export const EMPTY_COUNTS: ReconciliationCountsDto = { matched: 0, missingRemote: 0, staleRemote: 0, revokedLocally: 0, unknownRemote: 0 };

export function toSummary(r: RunRow): ReconciliationSummaryDto {
  return {
    id: r.id,
    target: r.target,
    status: r.status,
    trigger: r.trigger,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
    counts: { ...EMPTY_COUNTS, ...r.counts },
    error: r.error,
  };
}

export function toItem(i: ItemRow): ReconciliationItemDto {
  return { kind: i.kind, recordId: i.record_id, localVersion: i.local_version, remoteVersion: i.remote_version, action: i.action };
}
