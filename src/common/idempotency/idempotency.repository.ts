import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

@Injectable()
export class IdempotencyRepository {
  constructor(@InjectRepository(IdempotencyKeyEntity) private readonly repo: Repository<IdempotencyKeyEntity>) {}

  find(principalId: string, key: string): Promise<IdempotencyKeyEntity | null> {
    return this.repo.findOneBy({ principalId, key });
  }

  /** The first answer wins; a concurrent duplicate does not overwrite it. */
  async save(entry: IdempotencyKeyEntity): Promise<void> {
    await this.repo.createQueryBuilder().insert().values(entry).orIgnore().execute();
  }
}
