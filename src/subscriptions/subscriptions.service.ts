import { HttpStatus, Injectable } from '@nestjs/common';
import type { Actor } from '../audit/request-actor';
import { AuditService } from '../audit/audit.service';
import { SUBSCRIPTION_SECRET_PURPOSE } from '../secrets/purposes';
import { SecretBox } from '../secrets/secret-box';
import { Clock } from '../common/clock';
import { ApiError } from '../common/http/api-error';
import { isUuid } from '../common/ids';
import { decodeCursor, encodeCursor, isIsoInstant, Page } from '../common/http/cursor';
import { AppConfig } from '../config/config.schema';
import { DeliveryRepository } from '../delivery/delivery.repository';
import {
  ChangedSubscriptionDto,
  CreatedSubscriptionDto,
  CreateSubscriptionDto,
  ListSubscriptionsQueryDto,
  RotatedSecretDto,
  SubscriptionDto,
  UpdateSubscriptionDto,
} from './dto/subscription.dto';
import { generateSecret, toSubscriptionDto } from './subscription.mapper';
import { NewSubscription, SubscriptionsRepository } from './subscriptions.repository';
import { UrlGuard } from './url-guard';

const HOUR_MS = 3_600_000;
export const OPERATOR_DISABLED_REASON = 'disabled by operator';

/** Agencies' push endpoints: created, read, changed and re-keyed by admins. */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    private readonly urlGuard: UrlGuard,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly secrets: SecretBox,
    private readonly deliveries: DeliveryRepository,
  ) {}

  /**
   * The only answer besides rotateSecret that shows the secret. The subscription and its backfill (every record
   * in force it wants) are one transaction, so it is never left without records it should have.
   */
  async create(dto: CreateSubscriptionDto, actor: Actor): Promise<CreatedSubscriptionDto> {
    await this.urlGuard.assertSendable(dto.url);
    if (dto.principalId) await this.assertAgencyPrincipal(dto.principalId);
    const now = this.clock.now();
    const { defaultMaxConcurrency, defaultRatePerSecond } = this.config.subscriptions;
    const secret = generateSecret();
    return this.subscriptions.transaction(async (manager) => {
      const created = await this.subscriptions.insert(manager, {
        agency: dto.agency.trim(),
        domains: dto.domains,
        url: dto.url,
        state: 'active',
        // Stored sealed (SECRETS_KEK); shown in clear in this answer only.
        secret: this.secrets.seal(secret, SUBSCRIPTION_SECRET_PURPOSE),
        previousSecret: null,
        previousSecretExpiresAt: null,
        principalId: dto.principalId ?? null,
        maxConcurrency: dto.maxConcurrency ?? defaultMaxConcurrency,
        ratePerSecond: dto.ratePerSecond ?? defaultRatePerSecond,
        disabledAt: null,
        disabledReason: null,
        createdAt: now,
        updatedAt: now,
      });
      const backfilled = await this.deliveries.backfill(manager, created.id, created.domains, now);
      const view = toSubscriptionDto(created, now);
      // The view never holds a secret.
      await this.audit.record(manager, { actor, action: 'subscription.create', subjectType: 'subscription', subjectId: created.id, after: view, details: { backfilled } });
      return { ...view, backfilled, secret };
    });
  }

  async get(id: string): Promise<SubscriptionDto> {
    const found = isUuid(id) ? await this.subscriptions.findById(id) : null;
    if (!found) throw notFound(id);
    return toSubscriptionDto(found, this.clock.now());
  }

  async list(query: ListSubscriptionsQueryDto): Promise<Page<SubscriptionDto>> {
    const limit = query.limit ?? 100;
    const cursor = decodeCursor(query.cursor, 2, ([at, id]) => isIsoInstant(at) && isUuid(id));
    const rows = await this.subscriptions.list({
      after: cursor ? { createdAt: String(cursor[0]), id: String(cursor[1]) } : undefined,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const now = this.clock.now();
    return {
      items: items.map((s) => toSubscriptionDto(s, now)),
      nextCursor: rows.length > limit ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    };
  }

  async update(id: string, dto: UpdateSubscriptionDto, actor: Actor): Promise<ChangedSubscriptionDto> {
    if (!isUuid(id)) throw notFound(id);
    // DNS and the principal lookup happen before the row lock, so a slow resolver never holds it.
    if (dto.url !== undefined) await this.urlGuard.assertSendable(dto.url);
    if (dto.principalId) await this.assertAgencyPrincipal(dto.principalId);
    return this.subscriptions.transaction(async (manager) => {
      const current = await this.subscriptions.findById(id, manager, true);
      if (!current) throw notFound(id);
      const now = this.clock.now();
      const patch: Partial<NewSubscription> = { updatedAt: now };
      if (dto.agency !== undefined) patch.agency = dto.agency.trim();
      if (dto.domains !== undefined) patch.domains = dto.domains;
      if (dto.url !== undefined) patch.url = dto.url;
      if (dto.maxConcurrency !== undefined) patch.maxConcurrency = dto.maxConcurrency;
      if (dto.ratePerSecond !== undefined) patch.ratePerSecond = dto.ratePerSecond;
      if (dto.principalId !== undefined) patch.principalId = dto.principalId;
      if (dto.state !== undefined && dto.state !== current.state) {
        patch.state = dto.state;
        // Leaving disabled clears why it was disabled; an automatic disable keeps its own reason until then.
        patch.disabledAt = dto.state === 'disabled' ? now : null;
        patch.disabledReason = dto.state === 'disabled' ? OPERATOR_DISABLED_REASON : null;
      }
      await this.subscriptions.update(manager, id, patch);
      const next = { ...current, ...patch };
      // It starts to want records it may not have: those issued under domains it lacked, or skipped by older
      // versions of the gateway while it was disabled. Paused or disabled, they wait for it to be active.
      const widened = next.domains.some((d) => !current.domains.includes(d));
      const enabled = next.state === 'active' && current.state !== 'active';
      const backfilled = widened || enabled ? await this.deliveries.backfill(manager, id, next.domains, now) : 0;
      const before = toSubscriptionDto(current, now);
      const after = toSubscriptionDto(next, now);
      await this.audit.record(manager, {
        actor,
        action: 'subscription.update',
        subjectType: 'subscription',
        subjectId: id,
        before,
        after,
        details: backfilled ? { backfilled } : undefined,
      });
      return { ...after, backfilled };
    });
  }

  /** A new secret; the old one keeps signing beside it for the configured overlap, so receivers can switch over. */
  async rotateSecret(id: string, actor: Actor): Promise<RotatedSecretDto> {
    if (!isUuid(id)) throw notFound(id);
    return this.subscriptions.transaction(async (manager) => {
      const current = await this.subscriptions.findById(id, manager, true);
      if (!current) throw notFound(id);
      const now = this.clock.now();
      const overlapMs = this.config.subscriptions.secretOverlapHours * HOUR_MS;
      const expiresAt = overlapMs > 0 ? new Date(now.getTime() + overlapMs) : null;
      const secret = generateSecret();
      await this.subscriptions.update(manager, id, {
        secret: this.secrets.seal(secret, SUBSCRIPTION_SECRET_PURPOSE),
        previousSecret: expiresAt ? current.secret : null,
        previousSecretExpiresAt: expiresAt,
        updatedAt: now,
      });
      await this.audit.record(manager, {
        actor,
        action: 'subscription.rotate_secret',
        subjectType: 'subscription',
        subjectId: id,
        before: { previousSecretExpiresAt: toSubscriptionDto(current, now).previousSecretExpiresAt },
        after: { previousSecretExpiresAt: expiresAt ? expiresAt.toISOString() : null },
      });
      return { id, secret, previousSecretExpiresAt: expiresAt ? expiresAt.toISOString() : null };
    });
  }

  /**
   * Seals every stored secret that is in clear (from before sealing) or sealed with another key than the active
   * one (after a SECRETS_KEK rotation); each row is rewritten only if it still holds what was read. Run at start-up
   * by scheduler instances and by `secrets:reseal`.
   */
  async resealSecrets(): Promise<{ examined: number; resealed: number }> {
    const rows = await this.subscriptions.storedSecrets();
    let resealed = 0;
    for (const row of rows) {
      const secret = this.secrets.needsResealing(row.secret) ? this.reseal(row.secret) : row.secret;
      const previous = row.previousSecret && this.secrets.needsResealing(row.previousSecret) ? this.reseal(row.previousSecret) : row.previousSecret;
      if (secret === row.secret && previous === row.previousSecret) continue;
      if (await this.subscriptions.replaceSecrets(row, { secret, previousSecret: previous })) resealed++;
    }
    return { examined: rows.length, resealed };
  }

  private reseal(stored: string): string {
    return this.secrets.seal(this.secrets.open(stored, SUBSCRIPTION_SECRET_PURPOSE), SUBSCRIPTION_SECRET_PURPOSE);
  }

  private async assertAgencyPrincipal(principalId: string): Promise<void> {
    const principal = await this.subscriptions.findPrincipal(principalId);
    const problem = !principal
      ? `no principal ${principalId}`
      : principal.revokedAt
        ? `principal ${principalId} is revoked`
        : principal.role !== 'agency'
          ? `principal ${principalId} has role ${principal.role}, not agency`
          : null;
    if (problem) {
      throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'INVALID_PRINCIPAL', `principalId: ${problem}`, [{ field: 'principalId', message: problem }]);
    }
  }
}


function notFound(id: string): ApiError {
  return new ApiError(HttpStatus.NOT_FOUND, 'SUBSCRIPTION_NOT_FOUND', `id: no subscription ${id}`);
}
