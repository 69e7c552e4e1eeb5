import { HttpStatus, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ApiError, ValidationFailed } from '../common/http/api-error';
import { decodeCursor, encodeCursor, Page } from '../common/http/cursor';
import { Jurisdiction } from '../common/jurisdiction';
import { AppConfig } from '../config/config.schema';
import type { Principal } from '../principals/principal';
import { CreateEnterpriseDto, EnterpriseDto, EnterpriseEventDto, ListEnterprisesQueryDto } from './dto/enterprise.dto';
import { EnterpriseEntity, EnterpriseEventEntity, sameMasterData } from './enterprise.entity';
import { EnterprisesRepository } from './enterprises.repository';
import { checkUscc } from './uscc';

export const ORG_CODE_MISMATCH = 'org_code_mismatch';

@Injectable()
export class EnterprisesService {
  private readonly masterDataDepartments: ReadonlySet<string>;

  constructor(
    private readonly enterprises: EnterprisesRepository,
    private readonly jurisdiction: Jurisdiction,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.masterDataDepartments = new Set(config.enterprises.masterDataDepartments);
  }

  /**
   * Registers an enterprise, or changes a known one's register: only admins and the configured master-data
   * departments may change a name, county or industry, and every change goes into the enterprise's history.
   */
  async register(dto: CreateEnterpriseDto, principal: Principal): Promise<{ enterprise: EnterpriseDto; created: boolean }> {
    const countyProblem = this.jurisdiction.countyProblem('county', dto.county);
    if (countyProblem) throw new ValidationFailed([countyProblem]);
    const incoming = this.toEntity(dto);
    return this.enterprises.transaction(async (manager) => {
      const known = await this.enterprises.findMany([dto.uscc], manager);
      const existing = known.get(dto.uscc);
      for (const county of [incoming.county, existing?.county].filter((c): c is string => !!c)) {
        if (!principal.mayActInCounty(county)) throw forbiddenCounty(county);
      }
      const refused = this.masterDataRefusal(existing, incoming, principal);
      if (refused) throw new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN_MASTER_DATA', `name: ${refused}`, { uscc: dto.uscc, departments: [...this.masterDataDepartments] });
      if (existing && sameMasterData(existing, incoming)) return { enterprise: toDto(existing), created: false };
      await this.enterprises.save(manager, [incoming], known, principal, incoming.updatedAt);
      const saved = (await this.enterprises.findOne(dto.uscc, manager))!;
      return { enterprise: toDto(saved), created: !existing };
    });
  }

  /** Why this key may not change a known enterprise's register to `incoming`; null when it may, or nothing changes. */
  masterDataRefusal(existing: EnterpriseEntity | undefined, incoming: EnterpriseEntity, principal: Principal): string | null {
    if (!existing || sameMasterData(existing, incoming) || this.keepsRegister(principal)) return null;
    const keepers = [...this.masterDataDepartments].join(', ') || 'none';
    return (
      `enterprise ${existing.uscc} is registered as "${existing.name}" (${existing.county}, ${existing.industry}); ` +
      `only an admin or the departments that keep the register (${keepers}) may change it`
    );
  }

  private keepsRegister(principal: Principal): boolean {
    return principal.isAdmin || (principal.role === 'department' && this.masterDataDepartments.has(principal.department!));
  }

  async get(uscc: string): Promise<EnterpriseDto> {
    return toDto(await this.found(uscc));
  }

  /** Every registration and change of the enterprise's register: who, when, before and after. */
  async history(uscc: string): Promise<{ items: EnterpriseEventDto[] }> {
    await this.found(uscc);
    return { items: (await this.enterprises.history(uscc)).map(toEventDto) };
  }

  async list(query: ListEnterprisesQueryDto, principal: Principal): Promise<Page<EnterpriseDto>> {
    const limit = query.limit ?? 100;
    const after = decodeCursor(query.cursor, 1);
    let counties: string[] | undefined = query.county ? [query.county] : undefined;
    if (principal.role === 'department' && principal.counties.length) {
      counties = counties ? counties.filter((c) => principal.counties.includes(c)) : [...principal.counties];
    }
    const rows = await this.enterprises.list({
      orgCodeMismatch: query.quality === ORG_CODE_MISMATCH,
      counties,
      afterUscc: after ? String(after[0]) : undefined,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit).map(toDto);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].uscc]) : null };
  }

  toEntity(dto: CreateEnterpriseDto): EnterpriseEntity {
    const now = this.clock.now();
    return Object.assign(new EnterpriseEntity(), {
      uscc: dto.uscc,
      name: dto.name.trim(),
      county: dto.county,
      industry: dto.industry,
      orgCodeValid: checkUscc(dto.uscc).orgCodeValid,
      createdAt: now,
      updatedAt: now,
    });
  }

  private async found(uscc: string): Promise<EnterpriseEntity> {
    const entity = await this.enterprises.findOne(uscc);
    if (!entity) throw new ApiError(HttpStatus.NOT_FOUND, 'ENTERPRISE_NOT_FOUND', `uscc: no enterprise ${uscc}`);
    return entity;
  }
}

export function forbiddenCounty(county: string): ApiError {
  return new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN_SCOPE', `county: this key may not act in county ${county}`);
}

export function toDto(e: EnterpriseEntity): EnterpriseDto {
  const dto: EnterpriseDto = {
    uscc: e.uscc,
    name: e.name,
    county: e.county,
    industry: e.industry,
    orgCodeValid: e.orgCodeValid,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
  if (!e.orgCodeValid) dto.warnings = [ORG_CODE_MISMATCH];
  return dto;
}

function toEventDto(e: EnterpriseEventEntity): EnterpriseEventDto {
  return { id: String(e.id), action: e.action, actor: { id: e.actorId, name: e.actorName }, at: e.at.toISOString(), before: e.before, after: e.after };
}
