import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';

/**
 * A fixed window per key, shared by every gateway instance: one script call per hit, so the count, its
 * expiry and the block are decided atomically in Redis. A blocked caller's hits are not counted, so a client
 * that keeps retrying is not locked out beyond the block. Returns [hits, window ms left, blocked, block ms left].
 */
const HIT = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or ARGV[2]), redis.call('PTTL', KEYS[1]), 1, blocked}
end
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
if hits <= tonumber(ARGV[2]) then return {hits, left, 0, 0} end
local block = tonumber(ARGV[3])
if block <= 0 then return {hits, left, 1, left} end
redis.call('SET', KEYS[2], '1', 'PX', block)
return {hits, left, 1, block}
`;

type ThrottleHit = (hitsKey: string, blockKey: string, ttlMs: number, limit: number, blockMs: number) => Promise<[number, number, number, number]>;

/**
 * ThrottlerStorage over the shared ioredis client; times come back in seconds, as the guard expects.
 * Without Redis it lets requests through: lookups are answered from PostgreSQL, and an outage of the
 * counters should not become an outage of the answers. The change either way is logged once.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly hit: ThrottleHit;
  private failing = false;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    // defineCommand sends EVALSHA and falls back to EVAL once per connection when the script is not cached.
    if (!('gatewayThrottleHit' in redis)) redis.defineCommand('gatewayThrottleHit', { numberOfKeys: 2, lua: HIT });
    const command = (redis as unknown as { gatewayThrottleHit: ThrottleHit }).gatewayThrottleHit;
    this.hit = command.bind(redis);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<Awaited<ReturnType<ThrottlerStorage['increment']>>> {
    // The braces keep both keys in one hash slot, should the Redis ever be a cluster.
    const base = `${this.prefix}:throttle:{${throttlerName}:${key}}`;
    let reply: [number, number, number, number];
    try {
      reply = await this.hit(`${base}:hits`, `${base}:block`, ttl, limit, blockDuration);
    } catch (e) {
      if (!this.failing) this.logger.error({ msg: 'rate limit counters unavailable; requests are not limited', error: (e as Error).message });
      this.failing = true;
      return { totalHits: 0, timeToExpire: seconds(ttl), isBlocked: false, timeToBlockExpire: 0 };
    }
    if (this.failing) this.logger.log({ msg: 'rate limit counters available again' });
    this.failing = false;
    const [totalHits, windowMs, blocked, blockMs] = reply;
    return { totalHits, timeToExpire: seconds(windowMs), isBlocked: blocked === 1, timeToBlockExpire: blocked === 1 ? seconds(blockMs) : 0 };
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
