import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
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
  return cliWith(t, {}, ...args);
}

function cliWith(t: TestApp, env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TS_NODE, '--transpile-only', join(ROOT, 'src', 'cli.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: t.databaseUrl, NODE_ENV: 'test', ...env } },
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

  describe('signing keys and witnesses', () => {
    let dir: string;
    const outputs: string[] = [];
    const run = async (...args: string[]) => {
      const res = await cliWith(t, { SIGNING_KEY_DIR: join(dir, 'keys'), LOG_LEVEL: 'trace' }, ...args);
      outputs.push(res.stdout, res.stderr);
      return res;
    };
    const privateParts = async (folder: string) => {
      const names = (await readdir(folder)).filter((f) => f.endsWith('.json'));
      return Promise.all(names.map(async (f) => JSON.parse(await readFile(join(folder, f), 'utf8')).d as string));
    };
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'gateway-cli-keys-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('rotates, lists and revokes keys; the gateway publishes them at once; no private key is printed', async () => {
      const first = await run('keys:rotate');
      expect(first.code).toBe(0);
      const { kid: a } = JSON.parse(lines(first.stdout).pop()!);
      const { kid: b } = JSON.parse(lines((await run('keys:rotate')).stdout).pop()!);
      expect(b).not.toBe(a);
      const listed = lines((await run('keys:list')).stdout).map((l) => JSON.parse(l));
      expect(listed.map((k) => k.kid)).toEqual(expect.arrayContaining([a, b]));
      expect(listed.every((k) => Object.keys(k).sort().join() === 'alg,createdAt,kid,revokedAt')).toBe(true);

      const revoked = await run('keys:revoke', a, '--at', '2025-05-01T08:00:00+08:00', '--reason', 'laptop lost');
      expect(revoked.code).toBe(0);
      expect(JSON.parse(lines(revoked.stdout).pop()!)).toEqual({ kid: a, revokedAt: '2025-05-01T00:00:00.000Z', reason: 'laptop lost' });
      const jwks = (await t.request('GET', '/.well-known/jwks.json')).body;
      expect(jwks.keys.find((k: { kid: string }) => k.kid === a)).toMatchObject({ revokedAt: '2025-05-01T00:00:00.000Z', exp: 1746057600 });
      expect(jwks.keys.find((k: { kid: string }) => k.kid === b)).not.toHaveProperty('revokedAt');

      const future = await run('keys:revoke', b, '--at', '2999-01-01T00:00:00Z');
      expect(future.code).toBe(1);
      expect(future.stderr).toContain('at: must not be later than now');
      const noOffset = await run('keys:revoke', b, '--at', '2025-05-01T08:00:00');
      expect(noOffset.code).toBe(1);
      expect(noOffset.stderr).toContain('at: must be an ISO 8601 instant with an offset');
      const unknown = await run('keys:revoke', 'nope');
      expect(unknown.stderr).toContain('no signing key nope');

      const all = outputs.join('\n');
      for (const d of await privateParts(join(dir, 'keys'))) expect(all).not.toContain(d);
    });

    it('registers a witness from its public JWK and refuses a private one', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      await writeFile(join(dir, 'witness.json'), JSON.stringify(publicKey.export({ format: 'jwk' })));
      await writeFile(join(dir, 'witness-private.json'), JSON.stringify(privateKey.export({ format: 'jwk' })));
      const added = await run('witness:add', '--name', 'province', '--jwk', join(dir, 'witness.json'));
      expect(added.code).toBe(0);
      expect(JSON.parse(lines(added.stdout).pop()!)).toEqual({ name: 'province', kid: expect.any(String) });
      const refused = await run('witness:add', '--name', 'platform', '--jwk', join(dir, 'witness-private.json'));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('holds a private key');
      expect(refused.stderr).not.toContain(privateKey.export({ format: 'jwk' }).d!);
    });

    it('a gateway process starting, publishing its key and signing checkpoints logs no private key', async () => {
      const keys = join(dir, 'gateway-keys');
      const overlay = join(dir, 'gateway.yaml');
      await writeFile(overlay, `redis:\n  keyPrefix: t13log${Date.now()}\nledger:\n  checkpointIntervalMs: 100\n`);
      const child = spawn(process.execPath, [TS_NODE, '--transpile-only', join(ROOT, 'src', 'main.ts')], {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATABASE_URL: t.databaseUrl,
          PORT: '3131',
          LOG_LEVEL: 'trace',
          SIGNING_KEY_DIR: keys,
          GATEWAY_ROLES: 'api,worker',
          GATEWAY_CONFIG: overlay,
        },
      });
      let output = '';
      child.stdout.on('data', (c) => (output += c));
      child.stderr.on('data', (c) => (output += c));
      try {
        let checkpoint: { treeSize?: number; jws?: string } = {};
        for (let i = 0; i < 120 && !checkpoint.jws; i++) {
          await new Promise((r) => setTimeout(r, 500));
          checkpoint = (await fetch('http://127.0.0.1:3131/v1/ledger/checkpoint').then((r) => r.json(), () => ({}))) as typeof checkpoint;
        }
        expect(checkpoint.jws).toEqual(expect.any(String));
        const jwks = await fetch('http://127.0.0.1:3131/.well-known/jwks.json').then((r) => r.json());
        expect(JSON.stringify(jwks)).not.toMatch(/"d":/);
      } finally {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      expect(output).toContain('"msg":"Nest application successfully started"'); // the log was on and captured
      for (const d of await privateParts(keys)) expect(output).not.toContain(d);
    });
  });
});
