import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { EnterpriseEntity } from './enterprise.entity';

export interface EnterpriseFilter {
  orgCodeMismatch?: boolean;
  counties?: readonly string[];
  afterUscc?: string;
  limit: number;
}

@Injectable()
export class EnterprisesRepository {
  constructor(@InjectRepository(EnterpriseEntity) private readonly repo: Repository<EnterpriseEntity>) {}

  findOne(uscc: string): Promise<EnterpriseEntity | null> {
    return this.repo.findOneBy({ uscc });
  }

  /** Inserts or updates; `created` tells which (xmax is 0 only on a freshly inserted row). */
  async upsert(e: EnterpriseEntity, manager?: EntityManager): Promise<{ entity: EnterpriseEntity; created: boolean }> {
    const rows: Array<Record<string, unknown>> = await (manager ?? this.repo.manager).query(
      `INSERT INTO enterprises (uscc, name, county, industry, org_code_valid, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT (uscc) DO UPDATE SET name = EXCLUDED.name, county = EXCLUDED.county, industry = EXCLUDED.industry,
         updated_at = CASE WHEN (enterprises.name, enterprises.county, enterprises.industry)
                                IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.county, EXCLUDED.industry)
                           THEN EXCLUDED.updated_at ELSE enterprises.updated_at END
       RETURNING uscc, name, county, industry, org_code_valid, created_at, updated_at, (xmax = 0) AS created`,
      [e.uscc, e.name, e.county, e.industry, e.orgCodeValid, e.createdAt],
    );
    const r = rows[0];
    return {
      created: r.created as boolean,
      entity: this.repo.create({
        uscc: r.uscc as string,
        name: r.name as string,
        county: r.county as string,
        industry: r.industry as EnterpriseEntity['industry'],
        orgCodeValid: r.org_code_valid as boolean,
        createdAt: r.created_at as Date,
        updatedAt: r.updated_at as Date,
      }),
    };
  }

  list(filter: EnterpriseFilter): Promise<EnterpriseEntity[]> {
    const q = this.repo.createQueryBuilder('e').orderBy('e.uscc', 'ASC').limit(filter.limit);
    if (filter.orgCodeMismatch) q.andWhere('NOT e.org_code_valid');
    if (filter.counties) q.andWhere('e.county = ANY(:counties)', { counties: filter.counties });
    if (filter.afterUscc) q.andWhere('e.uscc > :after', { after: filter.afterUscc });
    return q.getMany();
  }
}
