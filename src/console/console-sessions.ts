import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import type { Principal } from '../principals/principal';
import { REDIS } from '../redis/redis.module';

export const DASHBOARD_PATH = '/ops/queues';
export const SESSION_COOKIE = 'csg_console';
export const SESSION_TTL_SECONDS = 15 * 60;
const SECRET_CACHE_MS = 60_000;

interface TokenClaims {
  sub: string;
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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async issue(principal: Principal): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(this.clock.now().getTime() + SESSION_TTL_SECONDS * 1000);
    const payload = Buffer.from(JSON.stringify({ sub: principal.id, exp: expiresAt.getTime() } satisfies TokenClaims)).toString('base64url');
    return { token: `${payload}.${await this.sign(payload)}`, expiresAt };
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
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || claims.exp <= this.clock.now().getTime()) return null;
    // A key revoked after sign-in must lose the dashboard at once, not when the cookie runs out.
    const rows = await this.dataSource.query(
      `SELECT 1 FROM principals WHERE id::text = $1 AND revoked_at IS NULL AND role IN ('admin', 'operator')`,
      [claims.sub],
    );
    return rows.length ? claims.sub : null;
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
