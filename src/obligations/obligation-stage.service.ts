import { HttpStatus, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { ApiError, ValidationFailed } from '../common/http/api-error';
import { isUuid } from '../common/ids';
import { Jurisdiction } from '../common/jurisdiction';
import type { Principal } from '../principals/principal';
import { DeadlineRules, RuleViolation } from './deadline-rules';
import type { ObligationDto } from './dto/obligation.dto';
import { DismantledDto, ExitCompletedDto, ExitOrderDto, ExtensionDto, ObjectionDto, RectifiedDto } from './dto/stage-change.dto';
import { ObligationHooks } from './obligation-hooks';
import { ObligationEntity } from './obligation.entity';
import { snapshot, toObligationDto } from './obligation.mapper';
import { notFound } from './obligations.service';
import { NewObligation, ObligationsRepository } from './obligations.repository';
import { nextStage, StageAction } from './stage-machine';

type Patch = Partial<NewObligation>;

interface Decision {
  patch: Patch;
  /** What the history keeps beside the request: the values the gateway filled in, why a move was open. */
  details?: object;
}

/** Every department-driven stage change: one transaction each, with history and hooks. */
@Injectable()
export class ObligationStageService {
  constructor(
    private readonly obligations: ObligationsRepository,
    private readonly rules: DeadlineRules,
    private readonly jurisdiction: Jurisdiction,
    private readonly clock: Clock,
    private readonly hooks: ObligationHooks,
  ) {}

  /** Extends the rectification deadline, or after an upheld objection the exit deadline, within the rule. */
  extend(id: string, dto: ExtensionDto, principal: Principal): Promise<ObligationDto> {
    return this.change(id, 'extend', principal, dto, (o) => {
      const appliedOn = dto.appliedOn ?? this.jurisdiction.today();
      this.assertFact('appliedOn', appliedOn, o);
      this.rules.checkApplication(appliedOn, o.effectiveDeadline);
      this.rules.checkExtension(o.dimension, o, dto.requestedDeadline);
      return {
        patch: {
          extendedTo: dto.requestedDeadline,
          extensionCount: o.extensionCount + 1,
          ...(o.stage === 'rectification' ? { rectificationOverdueOn: null } : {}),
        },
        details: { appliedOn, ...reopening(o) },
      };
    });
  }

  rectify(id: string, dto: RectifiedDto, principal: Principal): Promise<ObligationDto> {
    return this.change(id, 'rectify', principal, dto, (o) => {
      this.assertFact('verifiedOn', dto.verifiedOn, o);
      return { patch: { stageDetails: { ...o.stageDetails, rectified: dto }, rectificationEndedOn: dto.verifiedOn } };
    });
  }

  /** Orders exit from rectification, or again with a new deadline after an upheld objection set the last one aside. */
  orderExit(id: string, dto: ExitOrderDto, principal: Principal): Promise<ObligationDto> {
    return this.change(id, 'order_exit', principal, dto, (o) => {
      this.assertFact('decidedOn', dto.decidedOn, o);
      if (dto.exitDeadline < dto.decidedOn) {
        throw new ValidationFailed([{ field: 'exitDeadline', message: `must not be before decidedOn ${dto.decidedOn}` }]);
      }
      if (o.stage === 'rectification') {
        return {
          patch: {
            deadline: dto.exitDeadline,
            extendedTo: null,
            rectificationEndedOn: dto.decidedOn,
            stageDetails: { ...o.stageDetails, rectificationDeadline: o.effectiveDeadline, exitOrder: dto },
          },
        };
      }
      if (dto.exitDeadline <= o.effectiveDeadline) {
        throw new RuleViolation('exitDeadline', `must be after the deadline whose notice was set aside (${o.effectiveDeadline})`);
      }
      return {
        patch: { deadline: dto.exitDeadline, extendedTo: null, stageDetails: { ...o.stageDetails, exitOrder: dto } },
        details: reopening(o),
      };
    });
  }

  completeExit(id: string, dto: ExitCompletedDto, principal: Principal): Promise<ObligationDto> {
    return this.change(id, 'complete_exit', principal, dto, (o) => {
      this.assertFact('completedOn', dto.completedOn, o);
      if (dto.verifiedOn) {
        this.assertFact('verifiedOn', dto.verifiedOn, o);
        if (dto.verifiedOn < dto.completedOn) throw new ValidationFailed([{ field: 'verifiedOn', message: `must not be before completedOn ${dto.completedOn}` }]);
      }
      if (dto.method === 'sealed' && !dto.sealing) {
        throw new ValidationFailed([{ field: 'sealing', message: 'required with method sealed: {waterCut, powerCut, powerUnitsRemoved, commitmentRef, announcementUrl, dismantleBy}' }]);
      }
      if (dto.method !== 'sealed' && dto.sealing) throw new ValidationFailed([{ field: 'sealing', message: 'applies only to method sealed' }]);
      if (dto.sealing && dto.sealing.dismantleBy < dto.completedOn) {
        throw new ValidationFailed([{ field: 'sealing.dismantleBy', message: `must not be before completedOn ${dto.completedOn}` }]);
      }
      return { patch: { stageDetails: { ...o.stageDetails, exitCompleted: dto }, dismantleBy: dto.sealing?.dismantleBy ?? null } };
    });
  }

  /** Reports that a sealed exit's equipment was dismantled, which ends its time limit. */
  reportDismantled(id: string, dto: DismantledDto, principal: Principal): Promise<ObligationDto> {
    return this.change(id, 'report_dismantled', principal, dto, (o) => {
      const exit = o.stageDetails.exitCompleted as ExitCompletedDto | undefined;
      if (exit?.method !== 'sealed' || o.stageDetails.dismantled) {
        throw new ApiError(
          HttpStatus.CONFLICT,
          'NOT_SEALED',
          o.stageDetails.dismantled
            ? `dismantledOn: dismantling was already reported on ${(o.stageDetails.dismantled as DismantledDto).dismantledOn}`
            : `dismantledOn: the obligation exited by ${exit?.method ?? 'no reported method'}, not by sealing`,
        );
      }
      this.assertFact('dismantledOn', dto.dismantledOn, o);
      if (dto.dismantledOn < exit.completedOn) throw new ValidationFailed([{ field: 'dismantledOn', message: `must not be before the sealing (${exit.completedOn})` }]);
      return { patch: { stageDetails: { ...o.stageDetails, dismantled: dto }, dismantleBy: null } };
    });
  }

  objection(id: string, dto: ObjectionDto, principal: Principal): Promise<ObligationDto> {
    const action: StageAction = dto.decision === 'upheld' ? 'uphold_objection' : 'reject_objection';
    return this.change(id, action, principal, dto, (o) => {
      this.assertFact('raisedOn', dto.raisedOn, o);
      this.rules.checkObjection(o.dimension, o.notifiedOn!, dto.raisedOn);
      const objections = [...((o.stageDetails.objections as unknown[]) ?? []), { ...dto, noticeOf: o.notifiedOn, deadline: o.effectiveDeadline }];
      const stageDetails = { ...o.stageDetails, objections };
      // An upheld objection sets the notice aside: the sweep gives no second notice for this deadline, and the
      // department may act again (a new exit order, an extension, exit completed).
      if (dto.decision === 'upheld') return { patch: { notifiedOn: null, stageDetails: { ...stageDetails, objectionUpheldFor: o.effectiveDeadline } } };
      return { patch: { stageDetails } };
    });
  }

  private async change(id: string, action: StageAction, principal: Principal, request: object, decide: (o: ObligationEntity) => Decision): Promise<ObligationDto> {
    if (!isUuid(id)) throw notFound(id);
    return this.obligations.transaction(async (manager) => {
      const before = await this.obligations.findById(id, manager, true);
      if (!before) throw notFound(id);
      if (!principal.mayActFor(before.department, before.county)) {
        throw new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN_SCOPE', `this key may not act on obligations of ${before.department} in ${before.county}`);
      }
      const stage = nextStage(before.stage, action, before.previousStage, isReopened(before));
      const { patch, details } = decide(before);
      const full: Patch = { ...patch, stage, updatedAt: this.clock.now() };
      if (stage !== before.stage) full.previousStage = before.stage;
      await this.obligations.update(manager, id, full);
      const after = (await this.obligations.findById(id, manager))!;
      await this.record(manager, action, principal, before, after, { ...request, ...details });
      return toObligationDto(after);
    });
  }

  private async record(
    manager: EntityManager,
    action: StageAction,
    principal: Principal,
    before: ObligationEntity,
    after: ObligationEntity,
    details: object,
  ): Promise<void> {
    await this.obligations.insertEvent(manager, {
      obligationId: after.id,
      action,
      actorId: principal.id,
      actorName: principal.name,
      at: after.updatedAt,
      before: snapshot(before),
      after: snapshot(after),
      details,
    });
    await this.hooks.run(manager, { action, before, after });
  }

  /** Dates of facts that happened: not before the order (400), not after today by the gateway's clock (422). */
  private assertFact(field: string, date: string, o: ObligationEntity): void {
    if (date < o.issuedOn) throw new ValidationFailed([{ field, message: `must not be before issuedOn ${o.issuedOn}` }]);
    const today = this.jurisdiction.today();
    if (date > today) throw new RuleViolation(field, `must not be after today (${today})`);
  }
}

/** An upheld objection set aside the notice of the deadline now in force: the department may act on it again. */
function isReopened(o: ObligationEntity): boolean {
  return o.stage === 'exit_ordered' && o.stageDetails.objectionUpheldFor === o.effectiveDeadline;
}

/** Why a move reopened by an upheld objection was allowed, for the history. */
function reopening(o: ObligationEntity): object {
  if (!isReopened(o)) return {};
  const objections = (o.stageDetails.objections as Array<Record<string, unknown>> | undefined) ?? [];
  return { afterUpheldObjection: objections[objections.length - 1] ?? null };
}
