import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
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

/** The register's fields that history follows: what a rename or a move changes. */
export type MasterData = Pick<EnterpriseEntity, 'name' | 'county' | 'industry'>;

@Entity('enterprise_events')
export class EnterpriseEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('char', { length: 18 }) uscc: string;
  @Column('text') action: 'registered' | 'changed';
  @Column('uuid', { name: 'actor_id', nullable: true }) actorId: string | null;
  @Column('text', { name: 'actor_name' }) actorName: string;
  @Column('timestamptz') at: Date;
  @Column('jsonb', { nullable: true }) before: MasterData | null;
  @Column('jsonb') after: MasterData;
}

export function masterData(e: MasterData): MasterData {
  return { name: e.name, county: e.county, industry: e.industry };
}

export function sameMasterData(a: MasterData, b: MasterData): boolean {
  return a.name === b.name && a.county === b.county && a.industry === b.industry;
}
