/**
 * Chaos benchmark (not a test). 2,000 records × 3 agencies + the national platform = 8,000 deliveries, sent by
 * two worker processes (`node src/main.js`, role worker, default delivery settings) over PostgreSQL and Redis
 * servers of the benchmark's own. Each agency answers the first push of 30 % of deliveries with 503 and never
 * answers the first push of 5 % (later pushes are accepted); the platform (the sandbox) answers promptly.
 * During the run: three SIGKILLs of a worker (each restarted at once), a Redis FLUSHALL and a PostgreSQL restart.
 * Prints the time from the sweep until every delivery is delivered, the deliveries pushed more than once, those
 * marked delivered twice and those lost; the same workload without faults or kills, in the same run, is the
 * plain baseline. Target: all 8,000 delivered within 150 s of the sweep, none lost, none marked delivered twice.
 *   npm run bench:chaos [-- RECORDS]
 * Ports (all on 127.0.0.1): CHAOS_PORTS="api,receivers,postgres,redis", free ones when unset.
 */
import { ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { startSandbox } from '../sandbox/server';
import { createApp } from '../src/app.factory';
import { SystemClock } from '../src/common/clock';
import { loadConfig } from '../src/config/load-config';
import { DELIVERIES_QUEUE } from '../src/queue/queue.constants';
import { bullConnection, queuePrefix } from '../src/queue/redis-connection';
import { generateSecret } from '../src/subscriptions/subscription.mapper';
import { SweepService } from '../src/sweep/sweep.service';
import { seedOverdueObligations } from './overdue-obligations';
import { PrivatePostgres, startPostgres, startRedis } from './private-servers';

const RECORDS = Number(process.argv[2] ?? 2000);
const AGENCIES = [
  { path: '/agency-0', domains: ['land_supply'] },
  { path: '/agency-1', domains: ['tax_administration'] },
  { path: '/agency-2', domains: ['financing_credit'] },
];
const TOTAL = RECORDS * (AGENCIES.length + 1);
const TARGET_SECONDS = 150;
const GIVE_UP_SECONDS = 600;
const PLATFORM = { clientId: 'chaos-gateway', secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}` };
/** Seconds after the sweep started. */
const EVENTS: Array<{ at: number; what: 'kill' | 'flush' | 'restart-postgres' }> = [
  { at: 8, what: 'kill' },
  { at: 16, what: 'flush' },
  { at: 24, what: 'kill' },
  { at: 32, what: 'restart-postgres' },
  { at: 40, what: 'kill' },
];

/** Worker processes alive now, so that an interrupted run leaves none behind. */
const workerProcesses = new Set<ChildProcess>();

interface ReceiverStats {
  requests: number;
  rejected: number;
  unavailable: number;
  hung: number;
  accepted: number;
  acceptedMoreThanOnce: number;
  ids: string[];
}

interface Outcome {
  seconds: number | null;
  /** Until 99 % were delivered. */
  mostSeconds: number | null;
  delivered: number;
  rows: number;
  attempts: number;
  markedTwice: number;
  lost: number;
  pushedMoreThanOnce: { agencies: number; platform: number };
  receivers: Omit<ReceiverStats, 'ids'>;
  events: string[];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

async function ports(): Promise<{ api: number; receivers: number; postgres: number; redis: number }> {
  const given = process.env.CHAOS_PORTS?.split(',').map(Number);
  if (given?.length === 4 && given.every((p) => Number.isInteger(p) && p > 0)) return { api: given[0], receivers: given[1], postgres: given[2], redis: given[3] };
  return { api: await freePort(), receivers: await freePort(), postgres: await freePort(), redis: await freePort() };
}

function startReceivers(port: number) {
  const child = fork(join(__dirname, 'chaos-receivers.js'), [String(port)]);
  const ask = <T>(msg: object) =>
    new Promise<T>((resolve) => {
      child.once('message', (m) => resolve(m as T));
      child.send(msg);
    });
  return {
    ready: new Promise<void>((resolve) => child.once('message', () => resolve())),
    send: (msg: object) => child.send(msg),
    stats: () => ask<ReceiverStats>({ stats: true }),
    stop: () => child.kill('SIGKILL'),
  };
}

/** The platform: the sandbox, in a process of its own, reading JWKS from the gateway's API. */
function startPlatform(gatewayUrl: string): Promise<{ child: ChildProcess; url: string; platformUrl: string }> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--platform', gatewayUrl]);
    child.once('message', (m) => resolve({ child, ...(m as { url: string; platformUrl: string }) }));
    child.once('exit', (code) => code && reject(new Error(`platform exited with ${code}`)));
  });
}

async function platformMain(gatewayUrl: string): Promise<void> {
  const sandbox = await startSandbox({ port: 0, gatewayUrl, platform: PLATFORM, logger: false });
  process.send!({ url: sandbox.url, platformUrl: sandbox.platformUrl });
  process.on('disconnect', () => void sandbox.close().then(() => process.exit(0)));
}

async function prepareDatabase(pg: PrivatePostgres, name: string, receiversPort: number): Promise<Record<string, string>> {
  const admin = new Client({ connectionString: pg.url('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const ds = new DataSource({ type: 'postgres', url: pg.url(name), migrations: MIGRATIONS, migrationsTableName: 'migrations' });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await seedOverdueObligations(ds, RECORDS, 'CHAOS');
  const defaults = loadConfig({ env: {} }).subscriptions;
  const secrets: Record<string, string> = {};
  for (const a of AGENCIES) {
    secrets[a.path] = generateSecret();
    await ds.query(
      `INSERT INTO subscriptions (agency, domains, url, secret, state, max_concurrency, rate_per_second, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'active', $5, $6, now(), now())`,
      [a.path.slice(1), a.domains, `http://127.0.0.1:${receiversPort}${a.path}`, secrets[a.path], defaults.defaultMaxConcurrency, defaults.defaultRatePerSecond],
    );
  }
  await ds.destroy();
  return secrets;
}

async function runScenario(
  name: 'calm' | 'chaos',
  ctx: { pg: PrivatePostgres; redisUrl: string; ports: Awaited<ReturnType<typeof ports>>; receivers: ReturnType<typeof startReceivers>; platformUrl: string; platformControl: string; dir: string },
): Promise<Outcome> {
  const database = `chaos_${name}`;
  const secrets = await prepareDatabase(ctx.pg, database, ctx.ports.receivers);
  ctx.receivers.send({ secrets, reset: true, faults: name === 'chaos' });
  await fetch(`${ctx.platformControl}/control/reset`, { method: 'POST' });
  const env = {
    ...process.env,
    NODE_ENV: '',
    DATABASE_URL: ctx.pg.url(database),
    REDIS_URL: ctx.redisUrl,
    GATEWAY_ROLES: 'worker',
    SCHEDULER_ENABLED: 'false',
    CREDIT_PLATFORM_URL: ctx.platformUrl,
    CREDIT_PLATFORM_CLIENT_ID: PLATFORM.clientId,
    CREDIT_PLATFORM_SECRET: PLATFORM.secret,
    OUTBOUND_HTTP_ALLOW: '127.0.0.1',
    SIGNING_KEY_DIR: join(ctx.dir, 'keys'),
    LOG_LEVEL: 'warn',
  };
  const log = openSync(join(ctx.dir, `${name}-workers.log`), 'a');
  const startWorker = () => {
    const w = spawn(process.execPath, [join(__dirname, '..', 'src', 'main.js')], { env, stdio: ['ignore', log, log] });
    workerProcesses.add(w);
    w.once('exit', () => workerProcesses.delete(w));
    return w;
  };
  const workers = [startWorker(), startWorker()];

  // This process serves the API (the platform reads the JWKS from it) and runs the sweep; it sends nothing.
  const config = loadConfig({
    env: { ...env, PORT: String(ctx.ports.api) },
    // Quiet: its database connections are cut on purpose.
    overrides: { runtime: { roles: ['api'] }, database: { poolSize: 4 }, log: { level: 'fatal' }, dimensions: { energy: { noticeDays: 0 } } },
  });
  const app = await createApp(config, { clock: new SystemClock() });
  await app.listen(ctx.ports.api, '127.0.0.1');
  // The clock starts with both workers up, as in a running deployment.
  const queue = new Queue(DELIVERIES_QUEUE, { connection: bullConnection(ctx.redisUrl), prefix: queuePrefix(config.redis.keyPrefix, config.database.url) });
  while ((await queue.getWorkersCount()) < workers.length) await new Promise((r) => setTimeout(r, 100));
  await queue.close();
  // A pool replaces the connections a PostgreSQL restart cuts.
  const db = new Pool({ connectionString: ctx.pg.url(database), max: 2, connectionTimeoutMillis: 2000 });
  db.on('error', () => undefined);
  const redis = new Redis(ctx.redisUrl);
  const events: string[] = [];
  const timers: NodeJS.Timeout[] = [];
  let kills = 0;
  const started = Date.now();
  const at = () => ((Date.now() - started) / 1000).toFixed(1);
  if (name === 'chaos') {
    for (const e of EVENTS) {
      timers.push(
        setTimeout(() => {
          if (e.what === 'kill') {
            const i = kills++ % workers.length;
            workers[i].kill('SIGKILL');
            workers[i] = startWorker();
            events.push(`${at()} s SIGKILL worker ${i}, restarted`);
          } else if (e.what === 'flush') {
            void redis.flushall().then(() => events.push(`${at()} s Redis FLUSHALL`));
          } else {
            events.push(`${at()} s PostgreSQL restart begins`);
            void ctx.pg.restart().then(() => events.push(`${at()} s PostgreSQL back`));
          }
        }, e.at * 1000),
      );
    }
  }
  const sweep = await app.get(SweepService).run('bench');
  events.unshift(`${at()} s sweep done: ${sweep.sanctioned} records, ${sweep.deliveries} deliveries`);

  const count = async (): Promise<number | null> => {
    const query = db.query(`SELECT count(*) FILTER (WHERE status = 'delivered')::int AS n FROM deliveries`).then((r) => r.rows[0].n as number);
    // A query caught by the restart may never answer; the next poll tries again.
    return Promise.race([query.catch(() => null), new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
  };
  let seconds: number | null = null;
  let mostSeconds: number | null = null;
  while ((Date.now() - started) / 1000 < GIVE_UP_SECONDS) {
    const n = await count();
    if (mostSeconds === null && n !== null && n >= TOTAL * 0.99) mostSeconds = (Date.now() - started) / 1000;
    if (n === TOTAL) {
      seconds = (Date.now() - started) / 1000;
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  timers.forEach(clearTimeout);

  const [{ rows, delivered, attempts }] = (
    await db.query(`SELECT count(*)::int AS rows, count(*) FILTER (WHERE status = 'delivered')::int AS delivered, sum(attempts)::int AS attempts FROM deliveries`)
  ).rows;
  const [{ twice }] = (
    await db.query(`SELECT count(*)::int AS twice FROM (SELECT delivery_id FROM delivery_attempts WHERE outcome = 'delivered' GROUP BY delivery_id HAVING count(*) > 1) x`)
  ).rows;
  const { ids, ...receivers } = await ctx.receivers.stats();
  // Delivered here but never accepted there would be a record lost on the way.
  const agencyDelivered: string[] = (await db.query(`SELECT id FROM deliveries WHERE status = 'delivered' AND target <> 'credit-platform'`)).rows.map((r) => r.id);
  const acceptedIds = new Set(ids);
  const missingAtAgencies = agencyDelivered.filter((id) => !acceptedIds.has(id)).length;
  const platformStats = (await (await fetch(`${ctx.platformControl}/control/stats`)).json()) as {
    platform: { records: number };
    endpoints: Record<string, { duplicates: number }>;
  };
  const lost = TOTAL - delivered + missingAtAgencies + (RECORDS - platformStats.platform.records);

  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
  await app.close();
  await redis.quit();
  await db.end();
  return {
    seconds,
    mostSeconds,
    delivered,
    rows,
    attempts,
    markedTwice: twice,
    lost,
    pushedMoreThanOnce: { agencies: receivers.acceptedMoreThanOnce, platform: platformStats.endpoints['platform-batch']?.duplicates ?? 0 },
    receivers,
    events,
  };
}

function report(name: string, o: Outcome): void {
  console.log(`${name}:`);
  for (const e of o.events) console.log(`  ${e}`);
  console.log(`  99 % delivered after       ${o.mostSeconds === null ? 'never' : `${o.mostSeconds.toFixed(1)} s`}`);
  console.log(`  all ${TOTAL} delivered after   ${o.seconds === null ? `NOT within ${GIVE_UP_SECONDS} s (${o.delivered} delivered)` : `${o.seconds.toFixed(1)} s`}`);
  console.log(`  pushed more than once      ${o.pushedMoreThanOnce.agencies} agency deliveries accepted twice or more; ${o.pushedMoreThanOnce.platform} platform items answered duplicate`);
  console.log(`  marked delivered twice     ${o.markedTwice}`);
  console.log(`  lost                       ${o.lost}`);
  console.log(`  attempts                   ${o.attempts} for ${o.rows} deliveries; receivers: ${JSON.stringify(o.receivers)}`);
}

async function main(): Promise<void> {
  const p = await ports();
  const dir = mkdtempSync(join(tmpdir(), 'bench-chaos-'));
  const pg = startPostgres(p.postgres);
  const redis = await startRedis(p.redis);
  const receivers = startReceivers(p.receivers);
  await receivers.ready;
  const platform = await startPlatform(`http://127.0.0.1:${p.api}`);
  const stopAll = () => {
    for (const w of workerProcesses) w.kill('SIGKILL');
    platform.child.kill('SIGKILL');
    receivers.stop();
    redis.stop();
    pg.stop();
  };
  process.once('SIGINT', () => {
    stopAll();
    process.exit(130);
  });
  try {
    const ctx = { pg, redisUrl: redis.url, ports: p, receivers, platformUrl: platform.platformUrl, platformControl: platform.url, dir };
    console.log(`${RECORDS} records × ${AGENCIES.length} agencies + the platform = ${TOTAL} deliveries; worker logs in ${dir}`);
    const calm = await runScenario('calm', ctx);
    report('plain baseline (no faults, no kills)', calm);
    const chaos = await runScenario('chaos', ctx);
    report('chaos (30 % first pushes 503, 5 % hang; 3 SIGKILLs, Redis FLUSHALL, PostgreSQL restart)', chaos);
    if (calm.seconds && chaos.seconds) console.log(`chaos / baseline = ${(chaos.seconds / calm.seconds).toFixed(2)}`);
    const met = chaos.seconds !== null && chaos.seconds <= TARGET_SECONDS && chaos.lost === 0 && chaos.markedTwice === 0;
    console.log(`target: all ${TOTAL} delivered within ${TARGET_SECONDS} s of the sweep, none lost, none marked delivered twice: ${met ? 'met' : 'NOT met'}`);
    if (!met) process.exitCode = 1;
    rmSync(dir, { recursive: true, force: true });
  } finally {
    stopAll();
  }
}

if (process.argv[2] === '--platform') void platformMain(process.argv[3]);
else
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
