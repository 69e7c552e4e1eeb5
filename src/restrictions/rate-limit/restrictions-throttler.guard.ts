import { ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { normalizeIp, ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { ApiError } from '../../common/http/api-error';
import type { Principal } from '../../principals/principal';

/** 429 in the contract's error shape; ErrorFilter copies `headers` onto the reply. */
export class RateLimited extends ApiError {
  readonly headers: Record<string, string>;

  constructor(retryAfterSeconds: number, limit: number, windowMs: number) {
    super(
      HttpStatus.TOO_MANY_REQUESTS,
      'RATE_LIMITED',
      `rate limit of ${limit} requests per ${windowMs / 1000} s exceeded; retry after ${retryAfterSeconds} s`,
      { limit, windowSeconds: windowMs / 1000, retryAfterSeconds },
    );
    this.headers = { 'retry-after': String(retryAfterSeconds) };
  }
}

/**
 * Counts per principal, not per route: a lookup and a batch draw on the same allowance. The global AuthGuard
 * runs first, so the principal is known; the IP is only a fallback.
 */
@Injectable()
export class RestrictionsThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const principal = req.principal as Principal | undefined;
    return principal ? `p:${principal.id}` : `ip:${normalizeIp(req.ip, this.ipv6SubnetPrefix)}`;
  }

  // The tracker is already short and opaque; the default hashes it with the route name, per request.
  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new RateLimited(detail.timeToBlockExpire, detail.limit, detail.ttl);
  }
}
