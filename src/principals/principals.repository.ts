import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { PrincipalEntity } from './principal.entity';

@Injectable()
export class PrincipalsRepository {
  constructor(@InjectRepository(PrincipalEntity) private readonly repo: Repository<PrincipalEntity>) {}

  findActiveByKeyHash(keyHash: string): Promise<PrincipalEntity | null> {
    return this.repo.findOne({ where: { keyHash, revokedAt: IsNull() } });
  }

  insert(principal: Omit<PrincipalEntity, 'id'>): Promise<PrincipalEntity> {
    return this.repo.save(this.repo.create(principal));
  }

  list(): Promise<PrincipalEntity[]> {
    return this.repo.find({ order: { createdAt: 'ASC' } });
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = await this.repo.update({ id, revokedAt: IsNull() }, { revokedAt: at });
    return (result.affected ?? 0) > 0;
  }
}
