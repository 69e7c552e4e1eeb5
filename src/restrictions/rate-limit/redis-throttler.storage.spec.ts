import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { loadConfig } from '../../config/load-config';
import { RedisThrottlerStorage } from './redis-throttler.storage';

// Against the real Redis: the claims are Lua scripts, and sharing between instances is the point.
describe('RedisThrottlerStorage', () => {
  const url = loadConfig({ env: { ...process.env, NODE_ENV: 'test' } }).redis.url;
  const clients: Redis[] = [];
  const prefix = `throttle-spec-${randomUUID()}`;
  const storage = () => {
    const redis = new Redis(url);
    clients.push(redis);
    return new RedisThrottlerStorage(redis, prefix);
  };
  afterAll(async () => {
    const keys = await clients[0].keys(`${prefix}:*`);
    if (keys.length) await clients[0].del(...keys);
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('never lets two instances together serve more than the limit, and strands little of it', async () => {
    const [a, b] = [storage(), storage()];
    let served = 0;
    for (let i = 0; i < 400; i++) {
      const hit = await (i % 3 ? a : b).increment('shared', 60_000, 200, 0, 'default');
      if (!hit.isBlocked) served++;
    }
    expect(served).toBeLessThanOrEqual(200);
    expect(served).toBeGreaterThanOrEqual(190);
    const refused = await a.increment('shared', 60_000, 200, 0, 'default');
    expect(refused).toMatchObject({ isBlocked: true });
    expect(refused.timeToBlockExpire).toBeGreaterThan(0);
  });

  it('claims hits in growing leases while a caller keeps spending, so Redis is asked far less than once a hit', async () => {
    const one = storage();
    const counted = () => clients[0].get(`${prefix}:throttle:{default:busy}:hits`).then(Number);
    await one.increment('busy', 60_000, 100_000, 0, 'default');
    expect(await counted()).toBe(1);
    for (let i = 0; i < 99; i++) await one.increment('busy', 60_000, 100_000, 0, 'default');
    // Leases of 1, 2, 4, ... 64: seven claims cover 127 hits.
    expect(await counted()).toBe(127);
  });

  it('claims one at a time when little is left, so a small limit is exact', async () => {
    const [a, b] = [storage(), storage()];
    const answers = [];
    for (const s of [a, b, a, b]) answers.push((await s.increment('small', 60_000, 3, 0, 'default')).isBlocked);
    expect(answers).toEqual([false, false, false, true]);
  });

  it('keeps a blocked key blocked for the block duration on every instance', async () => {
    const [a, b] = [storage(), storage()];
    expect((await a.increment('blocky', 60_000, 1, 30_000, 'default')).isBlocked).toBe(false);
    const blocked = await a.increment('blocky', 60_000, 1, 30_000, 'default');
    expect(blocked).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
    expect((await b.increment('blocky', 60_000, 1, 30_000, 'default')).isBlocked).toBe(true);
  });
});
