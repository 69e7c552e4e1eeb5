import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../common/domain';

@Entity('principals')
export class PrincipalEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') role: Role;
  @Column('text', { nullable: true }) department: string | null;
  @Column('text', { array: true }) counties: string[];
  @Column('text', { array: true }) domains: string[];
  @Column('text', { name: 'key_prefix' }) keyPrefix: string;
  @Column('text', { name: 'key_hash' }) keyHash: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt: Date | null;
}
