/**
 * Restriction-query benchmark: 100,000 enterprises, 10,000 of them restricted across the nine domains, the
 * real app on a port (roles: api, log level warn), an agency key for all nine domains. Measures single
 * lookups (20 s, 50 connections, random codes), a 1,000-code batch (200 requests, one connection) and a bare
 * Fastify route returning a constant in the same server process, for the ratio. The load generator runs in a
 * child process so that it does not share the server's event loop. A 10 s run of lookups of an invalid code
 * (400 before any query: auth, logging, Nest and the error filter, no database) separates the framework's
 * share of the cost from the query's.
 *   npm run bench:query [-- --auth-cache-ms=0]
 */
import { fork } from 'node:child_process';
import { Client } from 'pg';
import fastify from 'fastify';
import { createApp } from '../src/app.factory';
import { MEASURES } from '../src/common/domain';
import { loadConfig } from '../src/config/load-config';
import { PrincipalsService } from '../src/principals/principals.service';
import { createScratchDatabase, prepareTemplateDatabase } from '../test/support/database';
import { uscc } from '../test/support/fixtures';

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
  const noDb = figures(
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
  return { bare, lookups, noDb, batch };
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

async function main(): Promise<void> {
  await prepareTemplateDatabase();
  const scratch = await createScratchDatabase();
  const db = new Client({ connectionString: scratch.url });
  await db.connect();
  const codes = Array.from({ length: ENTERPRISES }, (_, i) => uscc(1 + i));
  const bare = fastify();
  bare.get('/', async () => ({ uscc: codes[0], restricted: false, measures: [] }));
  try {
    const seedStart = Date.now();
    await seed(db, codes);
    console.log(`seeded ${ENTERPRISES} enterprises, ${RESTRICTED} restricted, in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const config = loadConfig({
      env: { ...process.env, NODE_ENV: 'test' },
      overrides: {
        database: { url: scratch.url },
        log: { level: 'warn' },
        runtime: { roles: ['api'] },
        scheduler: { enabled: false },
        // The test overlay turns the key cache off; a deployment runs with default.yaml's.
        auth: { cacheTtlMs: AUTH_CACHE_TTL_MS },
        // The limiter stays in the path (its Redis round trip is part of the cost) but never trips.
        restrictions: { rateLimit: { limit: 100_000_000, ttlMs: 60_000 } },
      },
    });
    const app = await createApp(config);
    try {
      await app.listen(0, '127.0.0.1');
      const appUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
      const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
      const { key } = await app.get(PrincipalsService).create({ name: 'bench-agency', role: 'agency', domains: [...MEASURES] });
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
      line('invalid code, no DB', r.noDb);
      line('1,000-code batch (1 c)', r.batch);
      console.log(`single / bare          ${(r.lookups.perSecond / r.bare.perSecond).toFixed(2)}`);
      console.log(`auth cache TTL         ${AUTH_CACHE_TTL_MS} ms`);
      const met = r.lookups.perSecond >= TARGETS.singlePerSecond && r.lookups.p99 <= TARGETS.singleP99Ms && r.batch.p50 <= TARGETS.batchP50Ms;
      console.log(
        `targets: >= ${TARGETS.singlePerSecond} lookups/s, p99 <= ${TARGETS.singleP99Ms} ms, batch p50 <= ${TARGETS.batchP50Ms} ms: ${met ? 'met' : 'NOT met'}`,
      );
      if (r.lookups.non2xx || r.batch.non2xx || r.lookups.errors || r.batch.errors) throw new Error('some requests failed');
      if (r.noDb.status4xx !== r.noDb.requests) throw new Error('an invalid code was not answered 400');
    } finally {
      await app.close();
    }
  } finally {
    await bare.close();
    await db.end();
    await scratch.drop();
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
