import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from './support/database';

// The gateway, the CLI and migrations as their own processes: one line and exit 69 when PostgreSQL or Redis
// cannot be reached, JSON logs throughout, and a line when the gateway listens and when it has stopped.

const ROOT = join(__dirname, '..');
const TS_NODE = require.resolve('ts-node/dist/bin');
// Nothing listens on these: the kernel refuses at once.
const DEAD_POSTGRES = 'postgres://postgres@127.0.0.1:1/nowhere';
const DEAD_REDIS = 'redis://127.0.0.1:1';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(entry: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [TS_NODE, '--transpile-only', join(ROOT, 'src', entry), ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
  });
}

function finish(child: ChildProcess): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

const lines = (text: string) => text.trim().split('\n').filter(Boolean);

describe('start-up and shutdown', () => {
  jest.setTimeout(120_000);
  let quick: string;
  beforeAll(() => {
    quick = join(mkdtempSync(join(tmpdir(), 'gateway-startup-')), 'quick.yaml');
    writeFileSync(quick, 'startup:\n  dependencyTimeoutMs: 1500\n');
  });

  it('stops a gateway that cannot reach PostgreSQL with one JSON line naming it, exit 69', async () => {
    const run = await finish(start('main.ts', [], { DATABASE_URL: DEAD_POSTGRES, GATEWAY_CONFIG: quick }));
    expect(run.code).toBe(69);
    const out = lines(run.stdout);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0])).toMatchObject({ level: 60, service: 'PostgreSQL', where: '127.0.0.1:1/nowhere', msg: expect.stringContaining('ECONNREFUSED') });
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
  });

  it('says the same of Redis', async () => {
    const db = await createScratchDatabase();
    try {
      const run = await finish(start('main.ts', [], { DATABASE_URL: db.url, REDIS_URL: DEAD_REDIS, GATEWAY_CONFIG: quick }));
      expect(run.code).toBe(69);
      expect(lines(run.stdout).map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ service: 'Redis', where: '127.0.0.1:1' })]);
    } finally {
      await db.drop();
    }
  });

  it('stops the CLI and migrations the same way, with one line on stderr', async () => {
    for (const [entry, args] of [
      ['cli.ts', ['principal:list']],
      [join('database', 'migrate.ts'), []],
    ] as const) {
      const run = await finish(start(entry, [...args], { DATABASE_URL: DEAD_POSTGRES, GATEWAY_CONFIG: quick }));
      expect([entry, run.code]).toEqual([entry, 69]);
      expect(lines(run.stderr)).toEqual([expect.stringContaining('PostgreSQL cannot be reached at 127.0.0.1:1/nowhere')]);
    }
  });

  it('answers --help at once, even with no database, and exits 0; bad usage exits 64', async () => {
    const env = { DATABASE_URL: DEAD_POSTGRES, GATEWAY_CONFIG: quick };
    const general = await finish(start('cli.ts', ['--help'], env));
    expect([general.code, general.stdout]).toEqual([0, expect.stringContaining('principal:create')]);
    const one = await finish(start('cli.ts', ['principal:create', '--help'], env));
    expect([one.code, one.stdout]).toEqual([0, expect.stringContaining('--role <admin|operator|department|agency>')]);
    const unknown = await finish(start('cli.ts', ['principal:remove'], env));
    expect([unknown.code, unknown.stderr]).toEqual([64, expect.stringContaining('unknown command principal:remove')]);
    const badOption = await finish(start('cli.ts', ['principal:list', '--all'], env));
    expect([badOption.code, badOption.stderr]).toEqual([64, expect.stringContaining('unknown option --all')]);
  });

  it('logs one line when it listens and one when SIGTERM has stopped it, and exits 0', async () => {
    const db = await createScratchDatabase();
    try {
      const child = start('main.ts', [], { DATABASE_URL: db.url, PORT: '0', SCHEDULER_ENABLED: 'false', REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
      const done = finish(child);
      let seen = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (c) => {
          seen += c;
          if (seen.includes('"msg":"listening"')) resolve();
        });
        child.on('exit', () => reject(new Error(`exited before listening: ${seen}`)));
      });
      child.kill('SIGTERM');
      const run = await done;
      expect(run.code).toBe(0);
      const messages = lines(run.stdout).map((l) => JSON.parse(l));
      expect(messages.find((m) => m.msg === 'listening')).toMatchObject({ url: expect.stringMatching(/^http:\/\/.+:\d+$/) });
      expect(messages[messages.length - 1]).toMatchObject({ msg: 'stopped', signal: 'SIGTERM' });
    } finally {
      await db.drop();
    }
  });
});
