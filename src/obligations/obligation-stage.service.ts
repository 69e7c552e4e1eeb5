import { HttpStatus, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { ApiError, ValidationFailed } from '../common/http/api-error';
import { Jurisdiction } from '../common/jurisdiction';
import type { Principal } from '../principals/principal';
import { DeadlineRules } from './deadline-rules';
import type { ObligationDto } from './dto/obligation.dto';
import { ExitCompletedDto, ExitOrderDto, ExtensionDto, ObjectionDto, RectifiedDto } from './dto/stage-change.dto';
import { ObligationHooks } from './obligation-hooks';
import { ObligationEntity } from './obligation.entity';
import { snapshot, toObligationDto } from './obligation.mapper';
import { isUuid } from '../common/ids';
import { notFound } from './obligations.service';
import { NewObligation, ObligationsRepository } from './obligations.repository';
import { nextStage, StageAction } from './stage-machine';

type Patch = Partial<NewObligation>;

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

  extend(id: string, dto: ExtensionDto, principal: Principal): Promise<ObligationDto> {
    return this.change(id, 'extend', principal, dto, (o) => {
      this.rules.checkExtension(o.dimension, o, dto.requestedDeadline);
      return { extendedTo: dto.requestedDeadline, extensionCount: o.extensionCount + 1, rectificationOverdueOn: null };
    });
  }

  rectify(id: string, dto: RectifiedDto, principal: Principal): Promise<ObligationDto> {
    return this.change(id, 'rectify', principal, dto, (o) => {
      this.assertEventDate('verifiedOn', dto.verifiedOn, o);
      return { stageDetails: { ...o.stageDetails, rectified: dto } };
    });
  }

  orderExit(id: string, dto: ExitOrderDto, principal: Principal): Promise<ObligationDto> {
    return this.change(id, 'order_exit', principal, dto, (o) => {
      this.assertEventDate('decidedOn', dto.decidedOn, o);
      if (dto.exitDeadline < dto.decidedOn) {
        throw new ValidationFailed([{ field: 'exitDeadline', message: `must not be before decidedOn ${dto.decidedOn}` }]);
      }
      return {
        deadline: dto.exitDeadline,
        extendedTo: null,
        stageDetails: { ...o.stageDetails, rectificationDeadline: o.extendedTo ?? o.deadline, exitOrder: dto },
      };
    });
  }

  completeExit(id: string, dto: ExitCompletedDto, principal: Principal): Promise<ObligationDto> {
    return this.change(id, 'complete_exit', principal, dto, (o) => {
      this.assertEventDate('completedOn', dto.completedOn, o);
      if (dto.verifiedOn) this.assertEventDate('verifiedOn', dto.verifiedOn, o);
      return { stageDetails: { ...o.stageDetails, exitCompleted: dto } };
    });
  }

  objection(id: string, dto: ObjectionDto, principal: Principal): Promise<ObligationDto> {
    const action: StageAction = dto.decision === 'upheld' ? 'uphold_objection' : 'reject_objection';
    return this.change(id, action, principal, dto, (o) => {
      this.assertEventDate('raisedOn', dto.raisedOn, o);
      const objections = [...((o.stageDetails.objections as unknown[]) ?? []), { ...dto, noticeOf: o.notifiedOn }];
      // An upheld objection clears the notice; the sweep does not notify again for the same missed deadline.
      const patch: Patch = { stageDetails: { ...o.stageDetails, objections } };
      if (dto.decision === 'upheld') Object.assign(patch, { notifiedOn: null, stageDetails: { ...patch.stageDetails, objectionUpheldFor: o.deadline } });
      return patch;
    });
  }

  private async change(
    id: string,
    action: StageAction,
    principal: Principal,
    details: object,
    decide: (o: ObligationEntity) => Patch,
  ): Promise<ObligationDto> {
    if (!isUuid(id)) throw notFound(id);
    return this.obligations.transaction(async (manager) => {
      const before = await this.obligations.findById(id, manager, true);
      if (!before) throw notFound(id);
      if (!principal.mayActFor(before.department, before.county)) {
        throw new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN_SCOPE', `this key may not act on obligations of ${before.department} in ${before.county}`);
      }
      const stage = nextStage(before.stage, action, before.previousStage);
      const patch: Patch = { ...decide(before), stage, updatedAt: this.clock.now() };
      if (stage !== before.stage) patch.previousStage = before.stage;
      await this.obligations.update(manager, id, patch);
      const after = (await this.obligations.findById(id, manager))!;
      await this.record(manager, action, principal, before, after, details);
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
      details: { ...details },
    });
    await this.hooks.run(manager, { action, before, after });
  }

  /** Dates of events that happened: not before the order, not in the future. */
  private assertEventDate(field: string, date: string, o: ObligationEntity): void {
    if (date < o.issuedOn) throw new ValidationFailed([{ field, message: `must not be before issuedOn ${o.issuedOn}` }]);
    if (date > this.jurisdiction.today()) throw new ValidationFailed([{ field, message: 'must not be in the future' }]);
  }
}
