import { ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { normalizeIp, ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerRequest } from '@nestjs/throttler';
import { ApiError } from '../../common/http/api-error';
import type { Principal } from '../../principals/principal';
import type { RedisThrottlerStorage } from './redis-throttler.storage';

/** 429 in the contract's error shape; ErrorFilter copies `headers` onto the reply. */
export class RateLimited extends ApiError {
  readonly headers: Record<string, string>;

  constructor(retryAfterSeconds: number, limit: number, windowMs: number, unit: 'requests' | 'codes') {
    super(
      HttpStatus.TOO_MANY_REQUESTS,
      'RATE_LIMITED',
      `rate limit of ${limit} ${unit === 'codes' ? 'codes looked up' : 'requests'} per ${windowMs / 1000} s exceeded; retry after ${retryAfterSeconds} s`,
      { limit, unit, windowSeconds: windowMs / 1000, retryAfterSeconds },
    );
    this.headers = { 'retry-after': String(retryAfterSeconds) };
  }
}

/** The throttler that counts codes looked up (a batch costs its codes) beside the one counting requests. */
export const CODES_THROTTLER = 'codes';

/**
 * Counts per principal, not per route: a lookup and a batch draw on the same allowances, one of requests and
 * one of codes looked up. The global AuthGuard runs first, so the principal is known; the IP is only a fallback.
 */
@Injectable()
export class RestrictionsThrottlerGuard extends ThrottlerGuard {
  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    if (props.throttler.name !== CODES_THROTTLER) return super.handleRequest(props);
    const { req } = this.getRequestResponse(props.context);
    const tracker = await props.getTracker(req, props.context);
    const key = props.generateKey(props.context, tracker, CODES_THROTTLER);
    // Guards run before validation: an array too long for the endpoint is counted, then refused.
    const usccs = (req.body as { usccs?: unknown } | undefined)?.usccs;
    const cost = Array.isArray(usccs) ? Math.max(1, usccs.length) : 1;
    const storage = this.storageService as RedisThrottlerStorage;
    const hit = await storage.increment(key, props.ttl, props.limit, props.blockDuration, CODES_THROTTLER, cost);
    if (hit.isBlocked) throw new RateLimited(hit.timeToBlockExpire, props.limit, props.ttl, 'codes');
    return true;
  }

  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const principal = req.principal as Principal | undefined;
    return principal ? `p:${principal.id}` : `ip:${normalizeIp(req.ip, this.ipv6SubnetPrefix)}`;
  }

  // The tracker is already short and opaque; the default hashes it with the route name, per request.
  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new RateLimited(detail.timeToBlockExpire, detail.limit, detail.ttl, 'requests');
  }
}
