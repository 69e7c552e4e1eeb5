import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestApp } from './app';

/**
 * Starts gateway worker processes (`src/main.ts`, role worker) on the test app's database, with their own queue
 * prefix and the given `delivery` settings, as a deployment runs them beside an API process.
 */
export function workerProcesses(t: TestApp, delivery: string): () => ChildProcess {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-worker-'));
  const overlay = join(dir, 'worker.yaml');
  writeFileSync(
    overlay,
    [`delivery: ${delivery}`, `redis: { keyPrefix: ${t.config.redis.keyPrefix}w }`, "outbound: { allow: ['127.0.0.1'] }", 'log: { level: warn }'].join('\n'),
  );
  return () =>
    spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: t.databaseUrl, GATEWAY_ROLES: 'worker', GATEWAY_CONFIG: overlay },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
}
