import type { DeliveryRow } from '../delivery/delivery.repository';
import type { DeliveryStatus } from '../delivery/delivery-status';
import type { AttemptDto, BulkJobDto, DeliveryDto } from './dto/deliveries.dto';
import type { BulkJobRow } from './bulk-jobs.repository';
import type { AttemptRow } from './ops-deliveries.repository';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toDeliveryDto(r: DeliveryRow): DeliveryDto {
  return {
    id: r.id,
    recordId: r.record_id.trim(),
    version: r.version,
    event: r.event,
    target: r.target,
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    nextAttemptAt: iso(r.next_attempt_at),
    lastAttemptAt: iso(r.last_attempt_at),
    lastHttpStatus: r.last_http_status,
    lastError: r.last_error,
    finalReason: r.final_reason,
    laterVersionsReleased: r.released,
    deliveredAt: iso(r.delivered_at),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function toAttemptDto(a: AttemptRow): AttemptDto {
  return {
    attempt: a.attempt,
    at: a.started_at.toISOString(),
    durationMs: a.duration_ms,
    httpStatus: a.http_status,
    error: a.error,
    responseSnippet: a.response_snippet,
    outcome: a.outcome,
  };
}

export function toBulkJobDto(j: BulkJobRow): BulkJobDto {
  return {
    id: j.id,
    kind: j.kind,
    filter: j.filter,
    status: j.status,
    total: j.total,
    processed: j.processed,
    error: j.error,
    createdAt: j.created_at.toISOString(),
    finishedAt: iso(j.finished_at),
  };
}

/** What the audit trail keeps of a delivery's state. */
export function auditState(r: DeliveryRow): object {
  return { status: r.status, nextAttemptAt: iso(r.next_attempt_at), finalReason: r.final_reason, released: r.released, attempts: r.attempts };
}
