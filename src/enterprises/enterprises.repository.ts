import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../audit/request-actor';
import { EnterpriseEntity, EnterpriseEventEntity, masterData } from './enterprise.entity';

export interface EnterpriseFilter {
  orgCodeMismatch?: boolean;
  counties?: readonly string[];
  afterUscc?: string;
  limit: number;
}

/** Rows per statement in bulk writes. */
const CHUNK = 2000;

@Injectable()
export class EnterprisesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findOne(uscc: string, manager?: EntityManager): Promise<EnterpriseEntity | null> {
    return (manager ?? this.dataSource.manager).findOneBy(EnterpriseEntity, { uscc });
  }

  /** The registered enterprises among the codes, locked against a concurrent change when a transaction is given. */
  async findMany(usccs: string[], manager?: EntityManager): Promise<Map<string, EnterpriseEntity>> {
    const found = new Map<string, EnterpriseEntity>();
    for (let i = 0; i < usccs.length; i += CHUNK) {
      const q = (manager ?? this.dataSource.manager)
        .createQueryBuilder(EnterpriseEntity, 'e')
        // bpchar[] keeps the comparison on the primary key's own type, so the index is used.
        .where('e.uscc = ANY(:usccs::bpchar[])', { usccs: usccs.slice(i, i + CHUNK) })
        .orderBy('e.uscc');
      if (manager) q.setLock('pessimistic_write');
      for (const e of await q.getMany()) found.set(e.uscc, e);
    }
    return found;
  }

  /**
   * Registers new enterprises and writes changes to known ones, each with a history entry naming the actor.
   * `known` holds the stored rows (read in the same transaction); rows equal to them are not written.
   */
  async save(manager: EntityManager, rows: EnterpriseEntity[], known: Map<string, EnterpriseEntity>, actor: Actor, at: Date): Promise<number> {
    let created = 0;
    const sorted = [...rows].sort((a, b) => (a.uscc < b.uscc ? -1 : 1));
    for (let i = 0; i < sorted.length; i += CHUNK) {
      const part = sorted.slice(i, i + CHUNK);
      await manager.query(
        `INSERT INTO enterprises (uscc, name, county, industry, org_code_valid, created_at, updated_at)
         SELECT uscc, name, county, industry, org_code_valid, $6, $6
           FROM unnest($1::bpchar[], $2::text[], $3::text[], $4::text[], $5::boolean[]) AS e(uscc, name, county, industry, org_code_valid)
         ON CONFLICT (uscc) DO UPDATE SET name = EXCLUDED.name, county = EXCLUDED.county, industry = EXCLUDED.industry, updated_at = $6`,
        [part.map((e) => e.uscc), part.map((e) => e.name), part.map((e) => e.county), part.map((e) => e.industry), part.map((e) => e.orgCodeValid), at],
      );
      const before = part.map((e) => known.get(e.uscc));
      created += before.filter((b) => !b).length;
      // One array per column, as for the rows above: a VALUES list of thousands of entities is slow to build.
      await manager.query(
        `INSERT INTO enterprise_events (uscc, action, actor_id, actor_name, at, before, after)
         SELECT uscc, action, $3, $4, $5, before, after FROM unnest($1::bpchar[], $2::text[], $6::jsonb[], $7::jsonb[]) AS v(uscc, action, before, after)`,
        [
          part.map((e) => e.uscc),
          before.map((b) => (b ? 'changed' : 'registered')),
          actor.id,
          actor.name,
          at,
          before.map((b) => (b ? JSON.stringify(masterData(b)) : null)),
          part.map((e) => JSON.stringify(masterData(e))),
        ],
      );
    }
    return created;
  }

  history(uscc: string): Promise<EnterpriseEventEntity[]> {
    return this.dataSource.manager.find(EnterpriseEventEntity, { where: { uscc }, order: { id: 'ASC' } });
  }

  list(filter: EnterpriseFilter): Promise<EnterpriseEntity[]> {
    const q = this.dataSource.manager.createQueryBuilder(EnterpriseEntity, 'e').orderBy('e.uscc', 'ASC').limit(filter.limit);
    if (filter.orgCodeMismatch) q.andWhere('NOT e.org_code_valid');
    if (filter.counties) q.andWhere('e.county = ANY(:counties)', { counties: filter.counties });
    if (filter.afterUscc) q.andWhere('e.uscc > :after', { after: filter.afterUscc });
    return q.getMany();
  }
}
