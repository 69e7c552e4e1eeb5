import { HttpStatus, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { Clock } from '../common/clock';
import { ApiError, FieldProblem, ValidationFailed } from '../common/http/api-error';
import { decodeCursor, encodeCursor, isIsoInstant, Page } from '../common/http/cursor';
import { isUuid } from '../common/ids';
import { Jurisdiction } from '../common/jurisdiction';
import { EnterprisesRepository } from '../enterprises/enterprises.repository';
import { forbiddenCounty } from '../enterprises/enterprises.service';
import type { Principal } from '../principals/principal';
import { DeadlineRules, RuleViolation } from './deadline-rules';
import { CreateObligationDto, ListObligationsQueryDto, ObligationDto, ObligationEventDto } from './dto/obligation.dto';
import { ObligationEntity } from './obligation.entity';
import { snapshot, toEventDto, toObligationDto } from './obligation.mapper';
import { NewObligation, ObligationsRepository } from './obligations.repository';

/** Opening, reading and listing obligations. Stage changes live in ObligationStageService. */
@Injectable()
export class ObligationsService {
  constructor(
    private readonly obligations: ObligationsRepository,
    private readonly enterprises: EnterprisesRepository,
    private readonly rules: DeadlineRules,
    private readonly jurisdiction: Jurisdiction,
    private readonly clock: Clock,
  ) {}

  /** Opens an obligation; a repeat of (department, externalRef) with the same content returns the original. */
  async create(dto: CreateObligationDto, principal: Principal): Promise<{ obligation: ObligationDto; created: boolean }> {
    const row = this.prepare(dto, principal);
    const enterprise = await this.enterprises.findOne(dto.uscc);
    if (!enterprise) throw new RuleViolation('uscc', `no enterprise ${dto.uscc} is registered; POST /v1/enterprises first`);
    if (enterprise.county !== dto.county) throw new RuleViolation('county', countyMismatch(enterprise));
    return this.obligations.transaction(async (manager) => {
      const id = await this.obligations.insertIfAbsent(manager, row);
      if (!id) {
        const existing = (await this.obligations.findByRef(row.department, row.externalRef, manager))!;
        assertSameCase(existing, row, principal);
        return { obligation: toObligationDto(existing), created: false };
      }
      const created = (await this.obligations.findById(id, manager))!;
      await this.obligations.insertEvent(manager, {
        obligationId: id,
        action: 'created',
        actorId: principal.id,
        actorName: principal.name,
        at: row.createdAt,
        before: null,
        after: snapshot(created),
        details: null,
      });
      return { obligation: toObligationDto(created), created: true };
    });
  }

  /**
   * Checks a request against config, the rules and the key's scope and computes its deadline; shared with bulk
   * import. Malformed input is a 400, a broken rule a 422, a case outside the key's scope a 403. The county is
   * checked against the enterprise by the caller, which knows the enterprise.
   */
  prepare(dto: CreateObligationDto, principal: Principal, line?: number): NewObligation {
    const problems: FieldProblem[] = [];
    const county = this.jurisdiction.countyProblem('county', dto.county);
    const department = this.jurisdiction.departmentProblem('department', dto.department);
    if (county) problems.push(county);
    if (department) problems.push(department);
    const stage = dto.stage ?? 'rectification';
    const period = stage === 'rectification' ? this.rules.defaultDeadline(dto.dimension, dto.issuedOn) : null;
    const deadline = dto.deadline ?? period;
    if (!deadline) {
      problems.push({
        field: 'deadline',
        message: stage === 'exit_ordered' ? 'required: the exit deadline' : `required: the ${dto.dimension} dimension has no default period`,
      });
    } else if (deadline < dto.issuedOn) {
      problems.push({ field: 'deadline', message: `must not be before issuedOn ${dto.issuedOn}` });
    }
    if (problems.length) throw new ValidationFailed(problems.map((p) => ({ ...p, line })));
    const broken: FieldProblem[] = [];
    const today = this.jurisdiction.today();
    if (dto.issuedOn > today) broken.push({ field: 'issuedOn', message: `must not be after today (${today})` });
    if (period && deadline! > period) {
      const months = this.rules.rule(dto.dimension).rectificationMonths;
      broken.push({ field: 'deadline', message: `may be at most ${months} month(s) after issuedOn in the ${dto.dimension} dimension, i.e. ${period}` });
    }
    if (!this.rules.rule(dto.dimension).departments.includes(dto.department)) {
      broken.push({ field: 'department', message: `${dto.department} is not responsible for the ${dto.dimension} dimension` });
    }
    if (broken.length) throw new RuleViolation(broken.map((p) => ({ ...p, line })));
    if (!principal.mayActFor(dto.department, dto.county)) {
      if (principal.role === 'department' && principal.department === dto.department) throw forbiddenCounty(dto.county);
      throw new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN_SCOPE', `department: this key may not act for ${dto.department}`);
    }
    const now = this.clock.now();
    return {
      uscc: dto.uscc,
      dimension: dto.dimension,
      department: dto.department,
      county: dto.county,
      basis: dto.basis,
      issuedOn: dto.issuedOn,
      capacity: dto.capacity.map((c) => ({ equipment: c.equipment, ...(c.line ? { line: c.line } : {}), amount: c.amount, unit: c.unit })),
      externalRef: dto.externalRef,
      stage,
      deadline: deadline!,
      initialDeadline: deadline!,
      extendedTo: null,
      extensionCount: 0,
      previousStage: null,
      notifiedOn: null,
      rectificationOverdueOn: null,
      rectificationEndedOn: null,
      dismantleBy: null,
      dismantlingOverdueOn: null,
      stageDetails: {},
      createdBy: principal.id,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
  }

  async get(id: string, principal: Principal): Promise<ObligationDto> {
    return toObligationDto(await this.readable(id, principal));
  }

  async history(id: string, principal: Principal): Promise<{ items: ObligationEventDto[] }> {
    await this.readable(id, principal);
    return { items: (await this.obligations.history(id)).map(toEventDto) };
  }

  async list(query: ListObligationsQueryDto, principal: Principal): Promise<Page<ObligationDto>> {
    const limit = query.limit ?? 100;
    const cursor = decodeCursor(query.cursor, 2, ([at, id]) => isIsoInstant(at) && typeof id === 'string' && isUuid(id));
    let department = query.department;
    let counties: readonly string[] | undefined;
    if (principal.role === 'department') {
      if (department && department !== principal.department) {
        throw new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN_SCOPE', `department: this key may not read ${department}`);
      }
      department = principal.department!;
      if (principal.counties.length) counties = principal.counties;
    }
    const rows = await this.obligations.list({
      stage: query.stage,
      county: query.county,
      counties,
      dimension: query.dimension,
      department,
      uscc: query.uscc,
      after: cursor ? { createdAt: String(cursor[0]), id: String(cursor[1]) } : undefined,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toObligationDto),
      nextCursor: rows.length > limit ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    };
  }

  private async readable(id: string, principal: Principal): Promise<ObligationEntity> {
    const found = isUuid(id) ? await this.obligations.findById(id) : null;
    if (!found) throw notFound(id);
    if (!principal.mayRead(found.department, found.county)) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN_SCOPE', `this key may not read obligations of ${found.department} in ${found.county}`);
    }
    return found;
  }
}

/** An obligation's county is its enterprise's (DESIGN section 3): the message when a request says otherwise. */
export function countyMismatch(enterprise: { uscc: string; county: string }): string {
  return `must be the county where enterprise ${enterprise.uscc} is registered (${enterprise.county})`;
}

export function notFound(id: string): ApiError {
  return new ApiError(HttpStatus.NOT_FOUND, 'OBLIGATION_NOT_FOUND', `id: no obligation ${id}`);
}

const CASE_FIELDS = ['uscc', 'dimension', 'county', 'basis', 'issuedOn'] as const;

/**
 * A repeated externalRef is a retry only when it describes the same case. The conflict names the stored case
 * only to a key that may read it: a county-scoped key learns nothing of another county's cases.
 */
export function assertSameCase(existing: ObligationEntity, incoming: NewObligation, principal: Principal): void {
  const differs: string[] = CASE_FIELDS.filter((f) => String(existing[f]) !== String(incoming[f]));
  // Later stage changes move `deadline`; a retry is compared with the deadline the case was opened with.
  if (existing.initialDeadline !== incoming.initialDeadline) differs.push('deadline');
  if (canonicalize(existing.capacity) !== canonicalize(incoming.capacity)) differs.push('capacity');
  if (!differs.length) return;
  if (!principal.mayRead(existing.department, existing.county)) {
    throw new ApiError(HttpStatus.CONFLICT, 'EXTERNAL_REF_CONFLICT', `externalRef: ${incoming.externalRef} already names another case of ${existing.department}`, {
      fields: [],
    });
  }
  throw new ApiError(
    HttpStatus.CONFLICT,
    'EXTERNAL_REF_CONFLICT',
    `externalRef: ${incoming.externalRef} already names obligation ${existing.id} with different ${differs.join(', ')}`,
    { obligationId: existing.id, fields: differs },
  );
}
