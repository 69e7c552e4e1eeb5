import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
import { FixedClock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/load-config';
import type { AppConfig } from '../../src/config/config.schema';
import { PrincipalsService, CreatePrincipalCommand } from '../../src/principals/principals.service';
import { createScratchDatabase } from './database';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  clock: FixedClock;
  baseUrl: string;
  databaseUrl: string;
  /** Creates a principal directly (as the CLI does) and returns its key. */
  key(command: Partial<CreatePrincipalCommand> & { role: string }): Promise<string>;
  /** Like key(), with the principal's id too (to revoke it, or to find it as an actor). */
  principal(command: Partial<CreatePrincipalCommand> & { role: string }): Promise<{ id: string; key: string; name: string }>;
  request<T = any>(method: string, path: string, options?: { key?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/**
 * The real application on a random port, over a scratch copy of the migrated database; or, given `shareDatabaseOf`,
 * a second instance on that app's database (as behind a load balancer), which leaves the database to its owner.
 */
export async function startTestApp(overrides: Record<string, unknown> = {}, now = '2025-06-01T04:00:00Z', shareDatabaseOf?: TestApp): Promise<TestApp> {
  const db = shareDatabaseOf ? { url: shareDatabaseOf.databaseUrl, drop: async () => undefined } : await createScratchDatabase();
  const config = loadConfig({ env: { ...process.env, NODE_ENV: 'test' }, overrides: {
      ...overrides,
      database: { url: db.url, poolSize: 5 },
      // Each app gets its own queues and counters: parallel test files share one Redis.
      redis: { keyPrefix: `t${db.url.split('_').pop()}`, ...((overrides.redis as object) ?? {}) },
    },
  });
  const clock = new FixedClock(new Date(now));
  const app = await createApp(config, { clock });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  let n = 0;
  const principal: TestApp['principal'] = async (command) => {
    const result = await app.get(PrincipalsService).create({ name: `${command.role}-${++n}`, ...command });
    return { id: result.id, key: result.key, name: result.principal.name };
  };
  return {
    app,
    config,
    clock,
    baseUrl,
    databaseUrl: db.url,
    principal,
    async key(command) {
      return (await principal(command)).key;
    },
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.key) headers.authorization = `Bearer ${options.key}`;
      let body: string | Buffer | undefined;
      if (options.raw !== undefined) body = options.raw;
      else if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(baseUrl + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
      return { status: res.status, body: parsed as any, headers: res.headers };
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
