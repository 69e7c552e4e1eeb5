import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { PrincipalEntity } from '../principals/principal.entity';
import { SubscriptionEntity } from './subscription.entity';

export type NewSubscription = Omit<SubscriptionEntity, 'id'>;

@Injectable()
export class SubscriptionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(manager: EntityManager, row: NewSubscription): Promise<SubscriptionEntity> {
    const result = await manager.insert(SubscriptionEntity, row);
    return { ...row, id: (result.identifiers[0] as { id: string }).id };
  }

  findById(id: string, manager?: EntityManager, forUpdate = false): Promise<SubscriptionEntity | null> {
    const q = (manager ?? this.dataSource.manager).createQueryBuilder(SubscriptionEntity, 's').where('s.id = :id', { id });
    if (forUpdate) q.setLock('pessimistic_write');
    return q.getOne();
  }

  async update(manager: EntityManager, id: string, patch: Partial<NewSubscription>): Promise<void> {
    await manager.update(SubscriptionEntity, { id }, patch);
  }

  list(filter: { after?: { createdAt: string; id: string }; limit: number }): Promise<SubscriptionEntity[]> {
    const q = this.dataSource
      .createQueryBuilder(SubscriptionEntity, 's')
      .orderBy('s.created_at', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .limit(filter.limit);
    if (filter.after) {
      q.andWhere('(s.created_at, s.id) > (:afterAt::timestamptz, :afterId::uuid)', { afterAt: filter.after.createdAt, afterId: filter.after.id });
    }
    return q.getMany();
  }

  /** The delivery engine gave up on the endpoint (410 Gone, or failing too long); false when it was disabled already. */
  async disableFailing(manager: EntityManager, id: string, reason: string, now: Date): Promise<boolean> {
    const [rows] = await manager.query(
      `UPDATE subscriptions SET state = 'disabled', disabled_at = $3, disabled_reason = $2, updated_at = $3
        WHERE id = $1 AND state <> 'disabled' RETURNING id`,
      [id, reason, now],
    );
    return rows.length > 0;
  }

  findByIds(manager: EntityManager, ids: string[]): Promise<SubscriptionEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return manager.findBy(SubscriptionEntity, { id: In(ids) });
  }

  /** Every subscription's stored secrets, as stored (sealed, or in clear from before sealing). */
  storedSecrets(): Promise<Array<{ id: string; secret: string; previousSecret: string | null }>> {
    return this.dataSource.query(`SELECT id, secret, previous_secret AS "previousSecret" FROM subscriptions ORDER BY id`);
  }

  /** Rewrites a subscription's stored secrets if they are still what was read; false when they changed meanwhile. */
  async replaceSecrets(read: { id: string; secret: string; previousSecret: string | null }, next: { secret: string; previousSecret: string | null }): Promise<boolean> {
    const [, count] = await this.dataSource.query(
      `UPDATE subscriptions SET secret = $4, previous_secret = $5
        WHERE id = $1 AND secret = $2 AND previous_secret IS NOT DISTINCT FROM $3`,
      [read.id, read.secret, read.previousSecret, next.secret, next.previousSecret],
    );
    return count === 1;
  }

  findPrincipal(id: string): Promise<PrincipalEntity | null> {
    return this.dataSource.manager.findOneBy(PrincipalEntity, { id });
  }
}
