import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('idempotency_keys')
export class IdempotencyKeyEntity {
  @PrimaryColumn('uuid', { name: 'principal_id' }) principalId: string;
  @PrimaryColumn('text') key: string;
  @Column('text') route: string;
  @Column('text', { name: 'request_hash' }) requestHash: string;
  @Column('int', { name: 'status_code' }) statusCode: number;
  @Column('jsonb') response: any;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}
