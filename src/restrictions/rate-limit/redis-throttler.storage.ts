import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';

/**
 * Claims up to ARGV[4] hits of a fixed window shared by every gateway instance, never beyond the limit. When
 * nothing is left the hit is counted and the key blocked, atomically. A blocked caller's hits are not counted,
 * so a client that keeps retrying is not locked out beyond the block.
 * Returns [hits, window ms left, blocked, block ms left, hits granted].
 */
const CLAIM = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or ARGV[2]), redis.call('PTTL', KEYS[1]), 1, blocked, 0}
end
local limit = tonumber(ARGV[2])
local grant = math.min(tonumber(ARGV[4]), limit - tonumber(redis.call('GET', KEYS[1]) or '0'))
if grant < 1 then grant = 0 end
local hits = redis.call('INCRBY', KEYS[1], math.max(grant, 1))
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
if grant > 0 then return {hits, left, 0, 0, grant} end
local block = tonumber(ARGV[3])
if block <= 0 then return {hits, left, 1, left, 0} end
redis.call('SET', KEYS[2], '1', 'PX', block)
return {hits, left, 1, block, 0}
`;

type Claim = (hitsKey: string, blockKey: string, ttlMs: number, limit: number, blockMs: number, want: number) => Promise<[number, number, number, number, number]>;
type Hit = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** What this instance holds of one key's window: hits claimed from Redis and not yet spent. */
interface Lease {
  tokens: number;
  /** Hits counted in Redis when the lease was last claimed. */
  hits: number;
  windowEndsAt: number;
  blockedUntil: number;
  /** The size of the next claim: doubles while the caller keeps spending, so a busy key costs few round trips. */
  nextClaim: number;
  claiming: Promise<void> | null;
}

// A claim takes at most this share of what is left, so instances sharing a key do not strand much of it.
const SHARE_OF_REMAINING = 16;
const MAX_CLAIM = 64;
const PRUNE_ABOVE = 10_000;

/**
 * ThrottlerStorage over the shared ioredis client, counted in Redis so that limits hold across instances.
 * Rather than a round trip per request, an instance claims hits in leases: one at first, doubling while the
 * caller keeps up its pace, at most a sixteenth of what is left. Redis never grants more than the limit, so
 * no window serves more requests than the limit however many instances share it; a principal spread over
 * several instances may get slightly fewer when leases go unspent. Times come back in seconds, as the guard
 * expects. Without Redis it lets requests through: an outage of the counters should not become an outage of
 * the answers. The change either way is logged once.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly claim: Claim;
  private readonly leases = new Map<string, Lease>();
  private failing = false;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    // defineCommand sends EVALSHA and falls back to EVAL once per connection when the script is not cached.
    if (!('gatewayThrottleClaim' in redis)) redis.defineCommand('gatewayThrottleClaim', { numberOfKeys: 2, lua: CLAIM });
    const command = (redis as unknown as { gatewayThrottleClaim: Claim }).gatewayThrottleClaim;
    this.claim = command.bind(redis);
  }

  /** Spends `cost` hits (the codes of a batch lookup; 1 by default) from the key's window. */
  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string, cost = 1): Promise<Hit> {
    // The braces keep both keys in one hash slot, should the Redis ever be a cluster.
    const base = `${this.prefix}:throttle:{${throttlerName}:${key}}`;
    let owed = cost;
    for (;;) {
      const now = Date.now();
      const lease = this.leases.get(base);
      if (lease && lease.blockedUntil > now) {
        return { totalHits: lease.hits, timeToExpire: seconds(lease.windowEndsAt - now), isBlocked: true, timeToBlockExpire: seconds(lease.blockedUntil - now) };
      }
      if (lease && lease.tokens > 0 && lease.windowEndsAt > now) {
        const spent = Math.min(lease.tokens, owed);
        lease.tokens -= spent;
        owed -= spent;
        if (owed === 0) return { totalHits: lease.hits - lease.tokens, timeToExpire: seconds(lease.windowEndsAt - now), isBlocked: false, timeToBlockExpire: 0 };
        continue;
      }
      if (lease?.claiming) {
        await lease.claiming;
        continue;
      }
      const next = lease ?? this.open(base);
      const claim = this.renew(base, next, ttl, limit, blockDuration, owed);
      // Callers arriving meanwhile wait for this claim, then spend from the lease it brought.
      next.claiming = claim.then(
        () => undefined,
        () => undefined,
      );
      const final = await claim.finally(() => (next.claiming = null));
      if (final) return final;
    }
  }

  private open(base: string): Lease {
    if (this.leases.size > PRUNE_ABOVE) this.prune();
    const lease: Lease = { tokens: 0, hits: 0, windowEndsAt: 0, blockedUntil: 0, nextClaim: 1, claiming: null };
    this.leases.set(base, lease);
    return lease;
  }

  /**
   * Claims a new lease of at least `owed` hits; resolves with the answer when it is final (blocked, or Redis
   * unavailable), else null. A claim larger than what is left gets what is left, and the next one is refused.
   */
  private async renew(base: string, lease: Lease, ttl: number, limit: number, blockDuration: number, owed: number): Promise<Hit | null> {
    const left = lease.windowEndsAt > Date.now() ? limit - lease.hits : limit;
    const want = Math.max(owed, 1, Math.min(MAX_CLAIM, Math.floor(left / SHARE_OF_REMAINING), lease.nextClaim));
    let reply: [number, number, number, number, number];
    try {
      reply = await this.claim(`${base}:hits`, `${base}:block`, ttl, limit, blockDuration, want);
    } catch (e) {
      if (!this.failing) this.logger.error({ msg: 'rate limit counters unavailable; requests are not limited', error: (e as Error).message });
      this.failing = true;
      return { totalHits: 0, timeToExpire: seconds(ttl), isBlocked: false, timeToBlockExpire: 0 };
    }
    if (this.failing) this.logger.log({ msg: 'rate limit counters available again' });
    this.failing = false;
    const [hits, windowMs, blocked, blockMs, granted] = reply;
    const at = Date.now();
    lease.hits = hits;
    lease.windowEndsAt = at + windowMs;
    if (blocked === 1) {
      lease.tokens = 0;
      lease.blockedUntil = at + blockMs;
      return { totalHits: hits, timeToExpire: seconds(windowMs), isBlocked: true, timeToBlockExpire: seconds(blockMs) };
    }
    lease.tokens = granted;
    lease.nextClaim = Math.min(MAX_CLAIM, want * 2);
    return null;
  }

  private prune(): void {
    const now = Date.now();
    for (const [key, lease] of this.leases) {
      if (lease.windowEndsAt <= now && lease.blockedUntil <= now && !lease.claiming) this.leases.delete(key);
    }
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
