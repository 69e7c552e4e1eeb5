import Redis from 'ioredis';
import { Client } from 'pg';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.schema';

/** EX_UNAVAILABLE (sysexits.h): a service the program needs cannot be reached. */
export const EXIT_UNAVAILABLE = 69;

export class DependencyUnavailable extends Error {
  constructor(
    readonly service: 'PostgreSQL' | 'Redis',
    readonly where: string,
    readonly reason: string,
    readonly waitedMs: number,
  ) {
    super(`${service} cannot be reached at ${where}: ${reason} (gave up after ${Math.round(waitedMs / 1000)} s)`);
  }
}

/** host:port (and database) of a connection string, never its credentials. */
export function whereOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? '6379' : '5432')}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return 'an unreadable address';
  }
}

function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { errors?: unknown[] };
  // Node reports a refused dual-stack connect as an AggregateError whose own message is empty.
  const first = (err.errors?.[0] ?? err) as NodeJS.ErrnoException;
  return [first.code, first.message].filter(Boolean).join(' ') || String(e);
}

async function pingPostgres(url: string, timeoutMs: number): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function pingRedis(url: string, timeoutMs: number): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  // The 'error' event carries the cause (connect() only says the connection closed); unheard, it would print a
  // stack trace of its own.
  let cause: unknown;
  redis.on('error', (e) => (cause ??= e));
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    throw cause ?? e;
  } finally {
    redis.disconnect();
  }
}

/**
 * Waits until PostgreSQL (and Redis, when asked) answer, trying again for up to `startup.dependencyTimeoutMs`:
 * a process started with its database still coming up waits for it, and one pointed at nothing says so in one
 * line instead of retrying for half a minute inside the framework.
 */
export async function waitForDependencies(config: AppConfig, needs: { redis: boolean }, logger?: Logger): Promise<void> {
  // Counted from the process's start, so that loading the code is part of the time it promises.
  const started = Date.now() - Math.round(process.uptime() * 1000);
  const deadline = started + config.startup.dependencyTimeoutMs;
  const checks: Array<[DependencyUnavailable['service'], string, (url: string, ms: number) => Promise<void>]> = [['PostgreSQL', config.database.url, pingPostgres]];
  if (needs.redis) checks.push(['Redis', config.redis.url, pingRedis]);
  for (const [service, url, ping] of checks) {
    for (let pause = 250; ; pause = Math.min(pause * 2, 2000)) {
      try {
        await ping(url, Math.max(500, Math.min(3000, deadline - Date.now())));
        break;
      } catch (e) {
        if (Date.now() + pause >= deadline) throw new DependencyUnavailable(service, whereOf(url), reasonOf(e), Date.now() - started);
        logger?.debug({ msg: `${service} not answering yet; trying again`, where: whereOf(url), reason: reasonOf(e) });
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }
}
