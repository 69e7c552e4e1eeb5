import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/load-config';
import { MIGRATIONS } from '../../migrations';

// Tests use DATABASE_URL (or config) only to find the server and a name stem; they never touch that database itself.
const base = new URL(loadConfig({ env: { ...process.env, NODE_ENV: 'test' } }).database.url);
const stem = (base.pathname.slice(1) || 'gateway').replace(/[^a-z0-9_]/gi, '_').slice(0, 40);
export const TEMPLATE_DB = `${stem}_test_tpl`;

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
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  const ds = new DataSource({ type: 'postgres', url: urlFor(TEMPLATE_DB), migrations: MIGRATIONS, migrationsTableName: 'migrations' });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
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
