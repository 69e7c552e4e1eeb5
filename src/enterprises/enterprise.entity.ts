import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Industry } from '../common/domain';

@Entity('enterprises')
export class EnterpriseEntity {
  @PrimaryColumn('char', { length: 18 }) uscc: string;
  @Column('text') name: string;
  @Column('text') county: string;
  @Column('text') industry: Industry;
  @Column('boolean', { name: 'org_code_valid' }) orgCodeValid: boolean;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
