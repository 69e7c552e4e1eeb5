import type { RedisOptions } from 'ioredis';

/**
 * BullMQ takes ioredis options, not a URL. Workers block on Redis, so ioredis must retry forever
 * (maxRetriesPerRequest null) instead of failing a blocked command after a few tries.
 */
export function bullConnection(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`redis.url: database "${u.pathname.slice(1)}" is not a number`);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

/**
 * Under the deployment's key prefix, queues are kept per database too: jobs name rows of one PostgreSQL
 * database, so instances sharing it share the queues, while another database on the same Redis (a staging
 * copy, a parallel test run) never takes their jobs.
 */
export function queuePrefix(keyPrefix: string, databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || 'postgres';
  return `${keyPrefix}:${name}`;
}
