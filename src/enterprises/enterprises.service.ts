import { HttpStatus, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ApiError, ValidationFailed } from '../common/http/api-error';
import { decodeCursor, encodeCursor, Page } from '../common/http/cursor';
import { Jurisdiction } from '../common/jurisdiction';
import type { Principal } from '../principals/principal';
import { CreateEnterpriseDto, EnterpriseDto, ListEnterprisesQueryDto } from './dto/enterprise.dto';
import { EnterpriseEntity } from './enterprise.entity';
import { EnterprisesRepository } from './enterprises.repository';
import { checkUscc } from './uscc';

export const ORG_CODE_MISMATCH = 'org_code_mismatch';

@Injectable()
export class EnterprisesService {
  constructor(
    private readonly enterprises: EnterprisesRepository,
    private readonly jurisdiction: Jurisdiction,
    private readonly clock: Clock,
  ) {}

  async register(dto: CreateEnterpriseDto, principal: Principal): Promise<{ enterprise: EnterpriseDto; created: boolean }> {
    const countyProblem = this.jurisdiction.countyProblem('county', dto.county);
    if (countyProblem) throw new ValidationFailed([countyProblem]);
    const existing = await this.enterprises.findOne(dto.uscc);
    for (const county of [dto.county, existing?.county].filter((c): c is string => !!c)) {
      if (!principal.mayActInCounty(county)) throw forbiddenCounty(county);
    }
    const { entity, created } = await this.enterprises.upsert(this.toEntity(dto));
    return { enterprise: toDto(entity), created };
  }

  async get(uscc: string): Promise<EnterpriseDto> {
    const entity = await this.enterprises.findOne(uscc);
    if (!entity) throw new ApiError(HttpStatus.NOT_FOUND, 'ENTERPRISE_NOT_FOUND', `uscc: no enterprise ${uscc}`);
    return toDto(entity);
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
