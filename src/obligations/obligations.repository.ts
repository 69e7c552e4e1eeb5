import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Dimension } from '../common/domain';
import { ObligationEntity, ObligationEventEntity } from './obligation.entity';
import type { Stage } from './stage-machine';

export interface ObligationFilter {
  stage?: Stage;
  county?: string;
  counties?: readonly string[];
  dimension?: Dimension;
  department?: string;
  uscc?: string;
  after?: { createdAt: string; id: string };
  limit: number;
}

export type NewObligation = Omit<ObligationEntity, 'id' | 'effectiveDeadline'>;

@Injectable()
export class ObligationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** Inserts unless (department, externalRef) exists; returns the new id, or null when it existed. */
  async insertIfAbsent(manager: EntityManager, row: NewObligation): Promise<string | null> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(ObligationEntity)
      .values(row)
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as Array<{ id: string }>)[0]?.id ?? null;
  }

  findById(id: string, manager?: EntityManager, forUpdate = false): Promise<ObligationEntity | null> {
    const q = this.m(manager).createQueryBuilder(ObligationEntity, 'o').where('o.id = :id', { id });
    if (forUpdate) q.setLock('pessimistic_write');
    return q.getOne();
  }

  findByRef(department: string, externalRef: string, manager?: EntityManager): Promise<ObligationEntity | null> {
    return this.m(manager).findOneBy(ObligationEntity, { department, externalRef });
  }

  async update(manager: EntityManager, id: string, patch: Partial<NewObligation>): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(ObligationEntity)
      .set({ ...patch, version: () => 'version + 1' })
      .where('id = :id', { id })
      .execute();
  }

  async insertEvent(manager: EntityManager, event: Omit<ObligationEventEntity, 'id'>): Promise<void> {
    await manager.insert(ObligationEventEntity, event);
  }

  list(filter: ObligationFilter): Promise<ObligationEntity[]> {
    const q = this.dataSource
      .createQueryBuilder(ObligationEntity, 'o')
      .orderBy('o.created_at', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(filter.limit);
    if (filter.stage) q.andWhere('o.stage = :stage', { stage: filter.stage });
    if (filter.county) q.andWhere('o.county = :county', { county: filter.county });
    if (filter.counties) q.andWhere('o.county = ANY(:counties)', { counties: filter.counties });
    if (filter.dimension) q.andWhere('o.dimension = :dimension', { dimension: filter.dimension });
    if (filter.department) q.andWhere('o.department = :department', { department: filter.department });
    if (filter.uscc) q.andWhere('o.uscc = :uscc', { uscc: filter.uscc });
    if (filter.after) {
      q.andWhere('(o.created_at, o.id) > (:afterAt::timestamptz, :afterId::uuid)', {
        afterAt: filter.after.createdAt,
        afterId: filter.after.id,
      });
    }
    return q.getMany();
  }

  history(obligationId: string): Promise<ObligationEventEntity[]> {
    return this.dataSource.manager.find(ObligationEventEntity, { where: { obligationId }, order: { id: 'ASC' } });
  }
}
