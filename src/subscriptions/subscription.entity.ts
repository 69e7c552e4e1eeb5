import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const SUBSCRIPTION_STATES = ['active', 'paused', 'disabled'] as const;
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

@Entity('subscriptions')
export class SubscriptionEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') agency: string;
  @Column('text', { array: true }) domains: string[];
  @Column('text') url: string;
  @Column('text') state: SubscriptionState;
  @Column('text') secret: string;
  @Column('text', { name: 'previous_secret', nullable: true }) previousSecret: string | null;
  @Column('timestamptz', { name: 'previous_secret_expires_at', nullable: true }) previousSecretExpiresAt: Date | null;
  @Column('uuid', { name: 'principal_id', nullable: true }) principalId: string | null;
  @Column('int', { name: 'max_concurrency' }) maxConcurrency: number;
  @Column('int', { name: 'rate_per_second' }) ratePerSecond: number;
  @Column('timestamptz', { name: 'disabled_at', nullable: true }) disabledAt: Date | null;
  @Column('text', { name: 'disabled_reason', nullable: true }) disabledReason: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
