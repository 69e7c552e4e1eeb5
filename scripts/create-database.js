#!/usr/bin/env node
'use strict';
// Creates the database named in DATABASE_URL (default: config/default.yaml's) when it does not exist yet,
// connecting to the server's `postgres` maintenance database with the same credentials. `--drop` drops it
// instead (the demo's `--reset`), ending the sessions that still use it.
const { Client } = require('pg');

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/gateway';

async function main() {
  const drop = process.argv.includes('--drop');
  const given = process.argv.slice(2).find((a) => a !== '--drop');
  const target = new URL(given || process.env.DATABASE_URL || DEFAULT_URL);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const maintenance = new URL(target.toString());
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    if (drop) {
      await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
      console.log(`database ${name} dropped`);
      return;
    }
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) {
      console.log(`database ${name} exists`);
      return;
    }
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      console.log(`database ${name} created`);
    } catch (e) {
      // 42P04: created meanwhile by someone else, which is what we wanted.
      if (e.code !== '42P04') throw e;
      console.log(`database ${name} exists`);
    }
  } finally {
    await client.end();
  }
}

main().catch((e) => {
  process.stderr.write(`create-database: ${e.message}\n`);
  process.exit(1);
});
