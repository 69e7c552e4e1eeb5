import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import type { Principal } from '../principals/principal';
import { PrincipalsService } from '../principals/principals.service';
import { REDIS } from '../redis/redis.module';

export const DASHBOARD_PATH = '/ops/queues';
export const SESSION_COOKIE = 'csg_console';
export const SESSION_TTL_SECONDS = 15 * 60;
const SECRET_CACHE_MS = 60_000;

interface TokenClaims {
  sub: string;
  /** Issued at (ms): a sign-out refuses every token its principal was issued until then. */
  iat: number;
  exp: number;
}

/**
 * Short-lived tokens for the queue dashboard, whose own requests cannot carry the API key. The HMAC secret
 * lives in Redis so that every instance behind a load balancer accepts every other instance's cookie;
 * losing it only signs operators out of the dashboard.
 */
@Injectable()
export class ConsoleSessions {
  private secret: { value: Buffer; until: number } | null = null;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly principals: PrincipalsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async issue(principal: Principal): Promise<{ token: string; expiresAt: Date }> {
    const now = this.clock.now().getTime();
    const expiresAt = new Date(now + SESSION_TTL_SECONDS * 1000);
    const payload = Buffer.from(JSON.stringify({ sub: principal.id, iat: now, exp: expiresAt.getTime() } satisfies TokenClaims)).toString('base64url');
    return { token: `${payload}.${await this.sign(payload)}`, expiresAt };
  }

  /** Signs a principal out of the dashboard everywhere: every token it holds is refused from now on. */
  async signOut(principalId: string): Promise<void> {
    await this.redis.set(this.signedOutKey(principalId), String(this.clock.now().getTime()), 'EX', SESSION_TTL_SECONDS);
  }

  /** The principal id when the token is genuine, unexpired and its principal may still operate. */
  async verify(token: string | undefined): Promise<string | null> {
    const [payload, mac, extra] = (token ?? '').split('.');
    if (!payload || !mac || extra !== undefined) return null;
    const expected = Buffer.from(await this.sign(payload));
    const offered = Buffer.from(mac);
    if (expected.length !== offered.length || !timingSafeEqual(expected, offered)) return null;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (typeof claims.sub !== 'string' || typeof claims.iat !== 'number' || typeof claims.exp !== 'number' || claims.exp <= this.clock.now().getTime()) {
      return null;
    }
    const signedOut = await this.redis.get(this.signedOutKey(claims.sub));
    if (signedOut !== null && claims.iat <= Number(signedOut)) return null;
    // A key revoked after sign-in must lose the dashboard at once, not when the cookie runs out.
    return (await this.principals.mayOperate(claims.sub)) ? claims.sub : null;
  }

  private signedOutKey(principalId: string): string {
    return `${this.config.redis.keyPrefix}:console:signed-out:${principalId}`;
  }

  private async sign(payload: string): Promise<string> {
    return createHmac('sha256', await this.key()).update(payload).digest('base64url');
  }

  private async key(): Promise<Buffer> {
    if (this.secret && this.secret.until > Date.now()) return this.secret.value;
    const name = `${this.config.redis.keyPrefix}:console:session-secret`;
    await this.redis.set(name, randomBytes(32).toString('base64'), 'NX');
    const stored = await this.redis.get(name);
    if (!stored) throw new Error('console session secret missing from Redis');
    this.secret = { value: Buffer.from(stored, 'base64'), until: Date.now() + SECRET_CACHE_MS };
    return this.secret.value;
  }
}

/** The cookie attributes: scoped to the dashboard, never readable by scripts, never sent cross-site. */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${SESSION_COOKIE}=${value}`, `Path=${DASHBOARD_PATH}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
