import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/load-config';
import { MIGRATIONS } from '../../migrations';

// Tests use DATABASE_URL (or config) only to find the server and a name stem; they never touch that database itself.
const base = new URL(loadConfig({ env: { ...process.env, NODE_ENV: 'test' } }).database.url);
const stem = (base.pathname.slice(1) || 'gateway').replace(/[^a-z0-9_]/gi, '_').slice(0, 40);
// Several engineers and CI jobs run Jest at once against one server: a template named after the migrations
// is built once and never dropped while another run may be copying it. Workers take the name global setup
// chose (through the environment), so editing a migration mid-run cannot point them at a missing template.
const fingerprint = createHash('sha256')
  .update(MIGRATIONS.map((m) => `${m.name}\n${m.prototype.up.toString()}`).join('\n'))
  .digest('hex')
  .slice(0, 10);
export const TEMPLATE_DB = process.env.TEST_TEMPLATE_DB ?? `${stem}_tpl_${fingerprint}`;
const TEMPLATE_LOCK = 7_464_201;

function urlFor(database: string): string {
  const u = new URL(base.toString());
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: urlFor('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function prepareTemplateDatabase(): Promise<void> {
  await admin(async (c) => {
    await c.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DB]);
      if (rowCount) return;
      // Built under another name and renamed, so a half-migrated template is never copied.
      const building = `${TEMPLATE_DB}_build`;
      await c.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${building}`);
      const ds = new DataSource({ type: 'postgres', url: urlFor(building), migrations: MIGRATIONS, migrationsTableName: 'migrations' });
      await ds.initialize();
      try {
        await ds.runMigrations({ transaction: 'each' });
      } finally {
        await ds.destroy();
      }
      await c.query(`ALTER DATABASE ${building} RENAME TO ${TEMPLATE_DB}`);
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  });
}

/** A fresh, migrated database for one test file; drop it with the returned function. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${stem}_t_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`));
  return {
    url: urlFor(name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
