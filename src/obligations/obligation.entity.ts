import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Dimension } from '../common/domain';
import type { Stage } from './stage-machine';

export interface CapacityItem {
  equipment: string;
  line?: string;
  amount: number;
  unit: string;
}

@Entity('obligations')
export class ObligationEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('char', { length: 18 }) uscc: string;
  @Column('text') dimension: Dimension;
  @Column('text') department: string;
  @Column('text') county: string;
  @Column('text') basis: string;
  @Column('date', { name: 'issued_on' }) issuedOn: string;
  @Column('jsonb') capacity: CapacityItem[];
  @Column('text', { name: 'external_ref' }) externalRef: string;
  @Column('text') stage: Stage;
  @Column('date') deadline: string;
  @Column('date', { name: 'initial_deadline' }) initialDeadline: string;
  @Column('date', { name: 'extended_to', nullable: true }) extendedTo: string | null;
  @Column('int', { name: 'extension_count' }) extensionCount: number;
  @Column({ type: 'date', name: 'effective_deadline', insert: false, update: false }) effectiveDeadline: string;
  @Column('text', { name: 'previous_stage', nullable: true }) previousStage: Stage | null;
  @Column('date', { name: 'notified_on', nullable: true }) notifiedOn: string | null;
  @Column('date', { name: 'rectification_overdue_on', nullable: true }) rectificationOverdueOn: string | null;
  /** The day the case left rectification (rectified, or exit ordered): its 移出日期 on the yellow list. */
  @Column('date', { name: 'rectification_ended_on', nullable: true }) rectificationEndedOn: string | null;
  /** A sealed exit's time limit for dismantling, until dismantling is reported. */
  @Column('date', { name: 'dismantle_by', nullable: true }) dismantleBy: string | null;
  @Column('date', { name: 'dismantling_overdue_on', nullable: true }) dismantlingOverdueOn: string | null;
  /** What each stage change recorded: verification, exit order, completion, objections. */
  @Column('jsonb', { name: 'stage_details' }) stageDetails: Record<string, any>;
  @Column('uuid', { name: 'created_by', nullable: true }) createdBy: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
  @Column('int') version: number;
}

@Entity('obligation_events')
export class ObligationEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('uuid', { name: 'obligation_id' }) obligationId: string;
  @Column('text') action: string;
  @Column('uuid', { name: 'actor_id', nullable: true }) actorId: string | null;
  @Column('text', { name: 'actor_name' }) actorName: string;
  @Column('timestamptz') at: Date;
  @Column('jsonb', { nullable: true }) before: Record<string, any> | null;
  @Column('jsonb') after: Record<string, any>;
  @Column('jsonb', { nullable: true }) details: Record<string, any> | null;
}
