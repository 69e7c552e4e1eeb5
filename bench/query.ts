/**
 * Restriction-query benchmark: 100,000 enterprises, 10,000 of them restricted across the nine domains, and the
 * built gateway started as production starts it (`node dist/main.js`, roles api, log level warn, default
 * config but for a rate limit that never trips), with an agency key for all nine domains. Measures single
 * lookups (20 s, 50 connections, random codes), a 1,000-code batch (200 requests, one connection) and, for
 * the ratio, a bare Fastify route returning a constant, served from this process. The load generator runs in
 * a child process of its own. A 10 s run of lookups of an invalid code (400 before any lookup: auth, Nest and
 * the error filter) separates the framework's share of the cost from the answer's.
 *   npm run bench:query [-- --auth-cache-ms=0]      (builds first)
 */
import { ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import fastify from 'fastify';
import { MEASURES } from '../src/common/domain';
import { loadConfig } from '../src/config/load-config';
import { generateApiKey } from '../src/principals/api-key';
import { createScratchDatabase, prepareTemplateDatabase } from '../test/support/database';
import { uscc } from '../test/support/fixtures';

const ROOT = join(__dirname, '..');
const ENTERPRISES = 100_000;
const RESTRICTED = 10_000;
// `-- --auth-cache-ms=0` measures with every request looking its key up in the database.
const AUTH_CACHE_ARG = process.argv.find((a) => a.startsWith('--auth-cache-ms='));
const AUTH_CACHE_TTL_MS = AUTH_CACHE_ARG ? Number(AUTH_CACHE_ARG.split('=')[1]) : loadConfig({ env: {} }).auth.cacheTtlMs;
const TARGETS = { singlePerSecond: 8_000, singleP99Ms: 25, batchP50Ms: 50 };

interface Plan {
  bareUrl: string;
  appUrl: string;
  key: string;
  codes: string[];
}

interface Figures {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  status4xx: number;
  errors: number;
}

async function seed(db: Client, codes: string[]): Promise<void> {
  await db.query(
    `INSERT INTO enterprises (uscc, name, county, industry, org_code_valid, created_at, updated_at)
     SELECT c, '河源市基准钢铁有限公司' || n, '441602', 'steel', true, now(), now()
       FROM unnest($1::char(18)[]) WITH ORDINALITY AS e(c, n)`,
    [codes],
  );
  // The query path reads only this table: restricted code n holds 1 + n % 9 domains from one record.
  await db.query(
    `INSERT INTO restrictions (record_id, uscc, measures, since)
     SELECT '01JW' || lpad(e.n::text, 22, '0'), e.c, ($2::text[])[1:(1 + e.n % 9)::int], date '2025-05-21' + (e.n % 200)::int
       FROM unnest($1::char(18)[]) WITH ORDINALITY AS e(c, n)`,
    [codes.slice(0, RESTRICTED), MEASURES],
  );
  await db.query('ANALYZE');
}

/** In the child: drives the load and sends the figures back. */
async function load(plan: Plan): Promise<Record<string, Figures>> {
  // autocannon ships no type declarations.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<any>;
  const pick = () => plan.codes[Math.floor(Math.random() * plan.codes.length)];
  const auth = { authorization: `Bearer ${plan.key}` };
  const figures = (r: any): Figures => ({
    requests: r.requests.total,
    perSecond: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    status4xx: r['4xx'],
    errors: r.errors + r.timeouts,
  });
  const single = { connections: 50, duration: 20 };
  const bare = figures(await autocannon({ url: plan.bareUrl, ...single }));
  const lookups = figures(
    await autocannon({
      url: plan.appUrl,
      ...single,
      headers: auth,
      requests: [{ setupRequest: (req: object) => ({ ...req, path: `/v1/restrictions/${pick()}` }) }],
    }),
  );
  const invalid = figures(
    await autocannon({ url: `${plan.appUrl}/v1/restrictions/${plan.codes[0].slice(0, 17)}0`, connections: 50, duration: 10, headers: auth }),
  );
  const batch = figures(
    await autocannon({
      url: `${plan.appUrl}/v1/restrictions:batch`,
      connections: 1,
      amount: 200,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      requests: [{ setupRequest: (req: object) => ({ ...req, body: JSON.stringify({ usccs: Array.from({ length: 1000 }, pick) }) }) }],
    }),
  );
  return { bare, lookups, invalid, batch };
}

function runLoad(plan: Plan): Promise<Record<string, Figures>> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--load'], { execArgv: ['-r', 'ts-node/register/transpile-only'] });
    child.once('message', (m) => resolve(m as Record<string, Figures>));
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`load generator exited with ${code}`)));
    child.send(plan);
  });
}

/** Starts the built gateway (`node dist/main.js`, as production runs it) on a free port; resolves once it answers. */
async function startGateway(databaseUrl: string, workDir: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const overlay = join(workDir, 'bench-gateway.yaml');
  // The limiter stays in the path but never trips; the key cache is as deployed unless the flag says otherwise.
  await writeFile(
    overlay,
    `restrictions:\n  rateLimit: { limit: 100000000, ttlMs: 60000 }\nauth:\n  cacheTtlMs: ${AUTH_CACHE_TTL_MS}\nhttp:\n  docs: false\n`,
  );
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      GATEWAY_ROLES: 'api',
      SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      SIGNING_KEY_DIR: join(workDir, 'keys'),
      GATEWAY_CONFIG: overlay,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    const up = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (up) return { url, process: child };
    if (waited > 60_000) throw new Error('gateway did not answer /health within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** An agency key for all nine domains, stored as principal:create stores it. */
async function agencyKey(db: Client): Promise<string> {
  const { key, prefix, hash } = generateApiKey();
  await db.query(
    `INSERT INTO principals (name, role, department, counties, domains, key_prefix, key_hash, created_at)
     VALUES ('bench-agency', 'agency', NULL, '{}', $1, $2, $3, now())`,
    [MEASURES, prefix, hash],
  );
  return key;
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run npm run build first');
  await prepareTemplateDatabase();
  const scratch = await createScratchDatabase();
  const db = new Client({ connectionString: scratch.url });
  await db.connect();
  const workDir = await mkdtemp(join(tmpdir(), 'bench-query-'));
  const codes = Array.from({ length: ENTERPRISES }, (_, i) => uscc(1 + i));
  const bare = fastify();
  bare.get('/', async () => ({ uscc: codes[0], restricted: false, measures: [] }));
  let gateway: ChildProcess | null = null;
  try {
    const seedStart = Date.now();
    await seed(db, codes);
    console.log(`seeded ${ENTERPRISES} enterprises, ${RESTRICTED} restricted, in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const key = await agencyKey(db);
    const started = await startGateway(scratch.url, workDir);
    gateway = started.process;
    const appUrl = started.url;
    const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
    const probe = await fetch(`${appUrl}/v1/restrictions/${codes[7]}`, { headers: { authorization: `Bearer ${key}` } });
    const answer = (await probe.json()) as { restricted: boolean; measures: unknown[] };
    if (!answer.restricted || answer.measures.length !== 9) throw new Error(`unexpected answer: ${JSON.stringify(answer)}`);

    const r = await runLoad({ bareUrl, appUrl, key, codes });
    const line = (name: string, f: Figures) =>
      console.log(
        `${name.padEnd(22)} ${String(f.perSecond).padStart(6)} req/s  p50 ${String(f.p50).padStart(3)} ms  p99 ${String(f.p99).padStart(3)} ms` +
          `  (${f.requests} requests, ${f.non2xx} non-2xx, ${f.errors} errors)`,
      );
    line('bare Fastify constant', r.bare);
    line('single lookup (50 c)', r.lookups);
    line('invalid code (400)', r.invalid);
    line('1,000-code batch (1 c)', r.batch);
    console.log(`single / bare          ${(r.lookups.perSecond / r.bare.perSecond).toFixed(2)}`);
    console.log(`auth cache TTL         ${AUTH_CACHE_TTL_MS} ms`);
    const met = r.lookups.perSecond >= TARGETS.singlePerSecond && r.lookups.p99 <= TARGETS.singleP99Ms && r.batch.p50 <= TARGETS.batchP50Ms;
    console.log(
      `targets: >= ${TARGETS.singlePerSecond} lookups/s, p99 <= ${TARGETS.singleP99Ms} ms, batch p50 <= ${TARGETS.batchP50Ms} ms: ${met ? 'met' : 'NOT met'}`,
    );
    if (r.lookups.non2xx || r.batch.non2xx || r.lookups.errors || r.batch.errors) throw new Error('some requests failed');
    if (r.invalid.status4xx !== r.invalid.requests) throw new Error('an invalid code was not answered 400');
  } finally {
    if (gateway) await stop(gateway);
    await bare.close();
    await db.end();
    await scratch.drop();
    await rm(workDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--load')) {
  process.once('message', (plan) =>
    load(plan as Plan).then(
      (figures) => process.send!(figures, () => process.exit(0)),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    ),
  );
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
