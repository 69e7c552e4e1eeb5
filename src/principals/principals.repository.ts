import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Not, Repository } from 'typeorm';
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

  /** Whether the principal exists, is not revoked, and has one of the roles. */
  async activeWithRole(id: string, roles: readonly string[]): Promise<boolean> {
    return this.repo.exists({ where: { id, revokedAt: IsNull(), role: In([...roles]) } });
  }

  /** Which of these principals have been revoked since they were read. */
  async revokedAmong(ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await this.repo.find({ select: { id: true }, where: { id: In(ids), revokedAt: Not(IsNull()) } });
    return rows.map((r) => r.id);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = await this.repo.update({ id, revokedAt: IsNull() }, { revokedAt: at });
    return (result.affected ?? 0) > 0;
  }
}
