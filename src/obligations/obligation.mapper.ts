import type { ObligationDto, ObligationEventDto } from './dto/obligation.dto';
import type { ObligationEntity, ObligationEventEntity } from './obligation.entity';

export function toObligationDto(e: ObligationEntity): ObligationDto {
  return {
    id: e.id,
    uscc: e.uscc,
    dimension: e.dimension,
    department: e.department,
    county: e.county,
    basis: e.basis,
    issuedOn: e.issuedOn,
    capacity: e.capacity,
    externalRef: e.externalRef,
    stage: e.stage,
    deadline: e.deadline,
    extendedTo: e.extendedTo,
    extensionCount: e.extensionCount,
    effectiveDeadline: e.effectiveDeadline ?? e.extendedTo ?? e.deadline,
    previousStage: e.previousStage,
    notifiedOn: e.notifiedOn,
    rectificationOverdueOn: e.rectificationOverdueOn,
    rectificationEndedOn: e.rectificationEndedOn,
    dismantleBy: e.dismantleBy,
    dismantlingOverdueOn: e.dismantlingOverdueOn,
    stageDetails: e.stageDetails,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

/** The part of an obligation that history records before and after a change. */
export function snapshot(e: ObligationEntity): Record<string, unknown> {
  const { createdAt: _c, updatedAt: _u, ...rest } = toObligationDto(e);
  return rest;
}

export function toEventDto(e: ObligationEventEntity): ObligationEventDto {
  return {
    id: String(e.id),
    action: e.action,
    actor: { id: e.actorId, name: e.actorName },
    at: e.at.toISOString(),
    before: e.before,
    after: e.after,
    details: e.details,
  };
}
