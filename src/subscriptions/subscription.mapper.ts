import { randomBytes } from 'node:crypto';
import type { Measure } from '../common/domain';
import type { SubscriptionDto } from './dto/subscription.dto';
import type { SubscriptionEntity } from './subscription.entity';

/** A Standard Webhooks signing secret: `whsec_` and the base64 of 32 random bytes. */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The secrets a push is signed with now: the current one, and the previous one while its overlap lasts. */
export function signingSecrets(s: Pick<SubscriptionEntity, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>, now: Date): string[] {
  const previousValid = s.previousSecret && s.previousSecretExpiresAt && s.previousSecretExpiresAt.getTime() > now.getTime();
  return previousValid ? [s.secret, s.previousSecret!] : [s.secret];
}

/** The API view: never any secret. */
export function toSubscriptionDto(s: SubscriptionEntity, now: Date): SubscriptionDto {
  const rotating = signingSecrets(s, now).length > 1;
  return {
    id: s.id,
    agency: s.agency,
    domains: s.domains as Measure[],
    url: s.url,
    state: s.state,
    principalId: s.principalId,
    maxConcurrency: s.maxConcurrency,
    ratePerSecond: s.ratePerSecond,
    previousSecretExpiresAt: rotating ? s.previousSecretExpiresAt!.toISOString() : null,
    disabledAt: s.disabledAt ? s.disabledAt.toISOString() : null,
    disabledReason: s.disabledReason,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}
