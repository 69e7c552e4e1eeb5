import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startTestApp, TestApp } from './support/app';
import { enterprise } from './support/fixtures';

const ROOT = join(__dirname, '..');
const TS_NODE = require.resolve('ts-node/dist/bin');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// No build exists under test, so the CLI runs from source through ts-node, as its own process.
function cli(t: TestApp, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TS_NODE, '--transpile-only', join(ROOT, 'src', 'cli.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: t.databaseUrl, NODE_ENV: 'test' } },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const lines = (out: string) => out.trim().split('\n').filter(Boolean);

describe('command line', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('creates a key that works, lists it without the key, and revokes it', async () => {
    const created = await cli(t, 'principal:create', '--role', 'department', '--name', 'x', '--department', 'industry_it', '--counties', '441602');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const last = JSON.parse(lines(created.stdout).pop()!);
    expect(last).toEqual(expect.objectContaining({ id: expect.any(String), key: expect.stringMatching(/^csg_/) }));

    const ok = await t.request('GET', '/v1/obligations', { key: last.key });
    expect(ok.status).toBe(200);
    // --counties took effect: the key acts in 441602 only.
    expect((await t.request('POST', '/v1/enterprises', { key: last.key, body: enterprise(1) })).status).toBe(201);
    expect((await t.request('POST', '/v1/enterprises', { key: last.key, body: enterprise(2, { county: '441621' }) })).status).toBe(403);

    const listed = await cli(t, 'principal:list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(last.key);
    const mine = lines(listed.stdout).map((l) => JSON.parse(l)).find((p) => p.id === last.id);
    expect(mine).toMatchObject({ name: 'x', role: 'department', department: 'industry_it', counties: ['441602'], revokedAt: null });
    expect(mine).not.toHaveProperty('key');
    expect(last.key.startsWith(mine.keyPrefix)).toBe(true);

    const revoked = await cli(t, 'principal:revoke', last.id);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(lines(revoked.stdout).pop()!)).toEqual({ id: last.id, revoked: true });
    expect((await t.request('GET', '/v1/obligations', { key: last.key })).status).toBe(401);
    const again = await cli(t, 'principal:revoke', last.id);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(last.id);
  });

  it('refuses a bad role with a non-zero exit naming the field', async () => {
    const res = await cli(t, 'principal:create', '--role', 'superuser', '--name', 'y');
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('role');
    expect(res.stdout).not.toContain('csg_');
    const listed = await cli(t, 'principal:list');
    expect(listed.stdout).not.toContain('"name":"y"');
  });

  it('refuses an unknown command with usage', async () => {
    const res = await cli(t, 'principal:explode');
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('principal:create');
  });
});
