import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/load-config';
import { SUBSCRIPTION_SECRET_PURPOSE } from '../src/secrets/purposes';
import { parseKek, seal } from '../src/secrets/sealed';
import { SecretBox } from '../src/secrets/secret-box';
import { SubscriptionsService } from '../src/subscriptions/subscriptions.service';
import { startTestApp, TestApp } from './support/app';

// Secrets at rest: subscription secrets sealed with the key-encryption key, resealed after a rotation, and a
// platform secret that may be given sealed.
const kek = (kid: string) => `${kid}:${randomBytes(32).toString('base64')}`;
const secretsOf = (t: TestApp) => t.app.get(DataSource).query(`SELECT id, secret, previous_secret AS "previousSecret" FROM subscriptions ORDER BY id`);

describe('secrets at rest', () => {
  const first = kek('k2026a');
  const second = kek('k2026b');
  let a: TestApp;
  let admin: string;

  beforeAll(async () => {
    a = await startTestApp({ secrets: { kek: first, previousKeks: [] } });
    admin = await a.key({ role: 'admin' });
  });
  afterAll(() => a.close());

  it('seals what it stores under the active key, and reseals clear and older values after a rotation', async () => {
    const made = [];
    for (const n of [1, 2]) {
      const res = await a.request('POST', '/v1/subscriptions', { key: admin, body: { agency: `a${n}`, domains: ['land_supply'], url: `https://93.184.216.${n}/hook` } });
      made.push(res.body);
    }
    expect((await secretsOf(a)).map((r: { secret: string }) => r.secret.split(':').slice(0, 3).join(':'))).toEqual(['enc:v1:k2026a', 'enc:v1:k2026a']);
    // A row from before sealing: the secret in clear.
    await a.app.get(DataSource).query(`UPDATE subscriptions SET secret = $2 WHERE id = $1`, [made[1].id, made[1].secret]);

    // The same database under a new key, the old one kept for opening.
    const b = await startTestApp({ secrets: { kek: second, previousKeks: [first] } }, undefined, a);
    try {
      expect(await b.app.get(SubscriptionsService).resealSecrets()).toEqual({ examined: 2, resealed: 2 });
      const rows = await secretsOf(b);
      expect(rows.every((r: { secret: string }) => r.secret.startsWith('enc:v1:k2026b:'))).toBe(true);
      const box = b.app.get(SecretBox);
      expect(rows.map((r: { secret: string }) => box.open(r.secret, SUBSCRIPTION_SECRET_PURPOSE)).sort()).toEqual(made.map((m) => m.secret).sort());
      // Nothing left to do the second time.
      expect(await b.app.get(SubscriptionsService).resealSecrets()).toEqual({ examined: 2, resealed: 0 });
    } finally {
      await b.close();
    }
  });

  it('refuses a value altered, sealed for another use, or sealed with a key it does not have', () => {
    const box = a.app.get(SecretBox);
    const sealed = box.seal('whsec_abc', SUBSCRIPTION_SECRET_PURPOSE);
    const flipped = sealed.slice(0, -6) + (sealed.at(-6) === 'A' ? 'B' : 'A') + sealed.slice(-5);
    expect(() => box.open(flipped, SUBSCRIPTION_SECRET_PURPOSE)).toThrow(/does not open/);
    expect(() => box.open(sealed, 'creditPlatform.secret')).toThrow(/does not open/);
    expect(() => box.open(seal('x', parseKek(kek('elsewhere')), SUBSCRIPTION_SECRET_PURPOSE), SUBSCRIPTION_SECRET_PURPOSE)).toThrow(/"elsewhere".*SECRETS_KEK/);
  });

  it('takes a platform secret sealed with secrets:seal, and names a bad one', () => {
    const cli = join(__dirname, '..', 'src', 'cli.ts');
    const tsNode = require.resolve('ts-node/dist/bin');
    const platform = `whsec_${randomBytes(32).toString('base64')}`;
    const run = spawnSync(process.execPath, [tsNode, '--transpile-only', cli, 'secrets:seal'], {
      input: `${platform}\n`,
      env: { ...process.env, SECRETS_KEK: first },
      encoding: 'utf8',
    });
    expect([run.status, run.stderr]).toEqual([0, '']);
    const sealed = run.stdout.trim();
    expect(sealed).toMatch(/^enc:v1:k2026a:/);
    const env = { ...process.env, NODE_ENV: 'test', SECRETS_KEK: second, SECRETS_PREVIOUS_KEKS: first, CREDIT_PLATFORM_SECRET: sealed };
    expect(loadConfig({ env }).creditPlatform.secret).toBe(platform);
    expect(() => loadConfig({ env: { ...env, SECRETS_PREVIOUS_KEKS: '' } })).toThrow(/creditPlatform.secret: sealed with key-encryption key "k2026a"/);
    expect(() => loadConfig({ env: { ...env, SECRETS_KEK: 'nokey' } })).toThrow(/secrets: a key-encryption key is written <kid>:<base64/);
  });
});
