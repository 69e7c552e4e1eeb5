#!/usr/bin/env node
'use strict';
// `node scripts/probe-services.js postgres|redis`: does the server of DATABASE_URL (its `postgres` maintenance
// database, with the URL's credentials) or of REDIS_URL answer and let us in? Exit 0 when it does; 2 when
// nothing listens there (a server may be started on that port); 1 when one answers but refuses us (or the
// address is wrong), with the reason on stderr. Prints, separated by US (0x1f): host, port, user, password, database.
const { Client } = require('pg');
const Redis = require('ioredis');

const DEFAULTS = {
  postgres: ['postgres://postgres@127.0.0.1:5432/gateway', 5432, 'DATABASE_URL'],
  redis: ['redis://127.0.0.1:6379', 6379, 'REDIS_URL'],
};
// Errors meaning nothing listens (yet): a local server may be started there.
const NOT_LISTENING = new Set(['ECONNREFUSED', 'ECONNRESET', 'EADDRNOTAVAIL', 'ETIMEDOUT']);
// PostgreSQL's "the database system is starting up" / "shutting down": it is there, not ready.
const NOT_READY = new Set(['57P03']);
const TIMEOUT_MS = 3000;

function parts(kind) {
  const [fallback, defaultPort, variable] = DEFAULTS[kind];
  const raw = process.env[variable] || fallback;
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw Object.assign(new Error(`${variable} is not a URL`), { code: 'EBADURL' });
  }
  return {
    url,
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: Number(url.port || defaultPort),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
  };
}

async function probePostgres(p) {
  const maintenance = new URL(p.url.toString());
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function probeRedis(p) {
  const redis = new Redis(p.url.toString(), { lazyConnect: true, connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}

async function main() {
  const kind = process.argv[2];
  if (!(kind in DEFAULTS)) throw new Error('usage: probe-services.js postgres|redis');
  const p = parts(kind);
  process.stdout.write(`${[p.host, p.port, p.user, p.password, p.database].join('\x1f')}\n`);
  try {
    await (kind === 'postgres' ? probePostgres(p) : probeRedis(p));
    return 0;
  } catch (e) {
    const listening = !NOT_LISTENING.has(e.code) && !NOT_READY.has(e.code) && !/timeout|terminated|Connection is closed/i.test(e.message);
    process.stderr.write(`${e.message || e.code}\n`);
    return listening ? 1 : 2;
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  },
);
