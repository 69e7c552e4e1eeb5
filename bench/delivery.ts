/**
 * Delivery benchmark: 10,000 sanction records × 9 subscriptions = 90,000 pushes, through the whole engine
 * (outbox → relay → BullMQ → signed HTTP push → outcome in PostgreSQL), to a local receiver process that
 * verifies every signature. Then a plain axios keep-alive loop posts the same bodies at the same
 * concurrency, in the same run, for the ratio.
 *   npm run bench:delivery [-- RECORDS [JOB_BATCH]]     (defaults 10000 and 16)
 */
import axios from 'axios';
import { fork } from 'node:child_process';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { SystemClock } from '../src/common/clock';
import { MEASURES } from '../src/common/domain';
import { loadConfig } from '../src/config/load-config';
import { webhookBody } from '../src/delivery/webhook-body';
import { signWebhook } from '../src/delivery/webhook-signature';
import { SweepService } from '../src/sweep/sweep.service';
import { generateSecret } from '../src/subscriptions/subscription.mapper';
import { createScratchDatabase, prepareTemplateDatabase } from '../test/support/database';
import { seedOverdueObligations } from './overdue-obligations';

const RECORDS = Number(process.argv[2] ?? 10_000);
const CONCURRENCY = 64;
const TARGETS = { perSecond: 2_000, ofPlain: 0.5 };
// Deliveries per queue job (delivery.jobBatch); CONCURRENCY / JOB_BATCH jobs run at once.
const JOB_BATCH = Number(process.argv[3] ?? 16);

type Stats = { verified: number; rejected: number };

function startReceiver() {
  // Compiled beside this file (npm run bench:delivery), or TypeScript when run through ts-node.
  const compiled = __filename.endsWith('.js');
  const child = fork(join(__dirname, `receiver-process.${compiled ? 'js' : 'ts'}`), [], {
    execArgv: compiled ? [] : ['-r', 'ts-node/register/transpile-only'],
  });
  const ask = <T>(msg: object, pick: (m: any) => boolean) =>
    new Promise<T>((resolve) => {
      const on = (m: any) => {
        if (pick(m)) {
          child.off('message', on);
          resolve(m);
        }
      };
      child.on('message', on);
      child.send(msg);
    });
  return {
    port: new Promise<number>((resolve) => child.once('message', (m: any) => resolve(m.port))),
    secrets: (s: Record<string, string>) => child.send({ secrets: s }),
    stats: () => ask<Stats>({ stats: true }, (m) => 'verified' in m),
    reset: () => child.send({ reset: true }),
    stop: () => child.kill(),
  };
}

async function seed(db: Client, port: number): Promise<Record<string, string>> {
  await seedOverdueObligations(db, RECORDS, 'BENCH');
  const secrets: Record<string, string> = {};
  for (const [i, domain] of MEASURES.entries()) {
    const path = `/agency-${i}`;
    secrets[path] = generateSecret();
    // Paused while the sweep writes the outbox, so the clock starts with all 90,000 deliveries waiting.
    await db.query(
      `INSERT INTO subscriptions (agency, domains, url, secret, state, max_concurrency, rate_per_second, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'paused', 16, 100000, now(), now())`,
      [`agency-${i}`, [domain], `http://127.0.0.1:${port}${path}`, secrets[path]],
    );
  }
  return secrets;
}

/** CPU time (user + system) this process spent per item since `since`, in milliseconds. */
function cpuPerItem(since: NodeJS.CpuUsage, items: number): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000 / items;
}

async function plainLoop(db: Client, port: number, secrets: Record<string, string>): Promise<{ rate: number; cpuMs: number }> {
  const rows: Array<{ id: string; jws: string; event: string; url: string }> = (
    await db.query(
      `SELECT d.id, v.jws, d.event, s.url FROM deliveries d
         JOIN record_versions v ON v.record_id = d.record_id AND v.version = d.version
         JOIN subscriptions s ON s.id = d.subscription_id`,
    )
  ).rows;
  const http = axios.create({ httpAgent: new Agent({ keepAlive: true, maxSockets: CONCURRENCY }), validateStatus: () => true, proxy: false });
  let next = 0;
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < rows.length) {
        const r = rows[next++];
        const body = webhookBody(r.event, r.jws);
        const path = new URL(r.url).pathname;
        const headers = signWebhook({ id: r.id, timestamp: Math.floor(Date.now() / 1000), body, secrets: [secrets[path]] });
        await http.post(`http://127.0.0.1:${port}${path}`, Buffer.from(body), { headers: { ...headers, 'content-type': 'application/json' } });
      }
    }),
  );
  return { rate: rows.length / (Number(process.hrtime.bigint() - started) / 1e9), cpuMs: cpuPerItem(cpu, rows.length) };
}

async function main(): Promise<void> {
  await prepareTemplateDatabase();
  const scratch = await createScratchDatabase();
  const receiver = startReceiver();
  const port = await receiver.port;
  const db = new Client({ connectionString: scratch.url });
  await db.connect();
  try {
    const secrets = await seed(db, port);
    receiver.secrets(secrets);
    const config = loadConfig({
      env: { ...process.env, NODE_ENV: 'test' },
      overrides: {
        database: { url: scratch.url, poolSize: 20 },
        redis: { keyPrefix: `bench${Date.now()}` },
        log: { level: 'warn' },
        outbound: { allow: ['127.0.0.1'] },
        dimensions: { energy: { noticeDays: 0 } },
        // At most CONCURRENCY pushes at once, as in the plain loop (the push pool), in jobs of JOB_BATCH.
        delivery: { workerConcurrency: CONCURRENCY / JOB_BATCH, jobBatch: JOB_BATCH, pushesInFlight: CONCURRENCY, claimBatch: 1000, relayIntervalMs: 20 },
        runtime: { roles: ['worker'] },
      },
    });
    const app = await createApp(config, { clock: new SystemClock() });
    await app.init();
    const counts = await app.get(SweepService).run('bench');
    const total = counts.deliveries - counts.sanctioned; // the platform's share goes through its own connector
    console.log(`outbox: ${counts.sanctioned} records, ${total} subscription deliveries`);
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await db.query(`UPDATE subscriptions SET state = 'active'`);
    // The receiver's count is cheap to ask; counting a large table every 100 ms would take a tenth of a core
    // from the engine. The clock stops once every delivery is marked delivered in the database.
    for (let s = await receiver.stats(); s.verified + s.rejected < total; s = await receiver.stats()) await new Promise((r) => setTimeout(r, 100));
    for (;;) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'`);
      if (rows[0].n >= total) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const engineCpuMs = cpuPerItem(cpu, total);
    const latency = (
      await db.query(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99,
                count(*) FILTER (WHERE outcome <> 'delivered')::int AS failures
           FROM delivery_attempts`,
      )
    ).rows[0];
    const engineStats = await receiver.stats();
    await app.close();
    const rssEngine = process.resourceUsage().maxRSS / 1024;
    receiver.reset();
    const { rate: plain, cpuMs: plainCpuMs } = await plainLoop(db, port, secrets);
    const plainStats = await receiver.stats();
    const rate = total / wall;
    console.log(`engine       ${Math.round(rate)} deliveries/s end to end (${total} in ${wall.toFixed(1)} s, concurrency ${CONCURRENCY})`);
    console.log(`attempts     p50 ${Number(latency.p50).toFixed(1)} ms, p99 ${Number(latency.p99).toFixed(1)} ms, failed attempts ${latency.failures}`);
    console.log(`receiver     engine pushes verified ${engineStats.verified}, rejected ${engineStats.rejected}`);
    console.log(`peak RSS     ${rssEngine.toFixed(0)} MiB (this process: gateway engine; the receiver runs apart)`);
    console.log(`plain loop   ${Math.round(plain)} posts/s (verified ${plainStats.verified}, rejected ${plainStats.rejected})`);
    console.log(`CPU          engine ${engineCpuMs.toFixed(3)} ms per delivery, plain loop ${plainCpuMs.toFixed(3)} ms per post (this process)`);
    console.log(`engine / plain = ${(rate / plain).toFixed(2)}`);
    const met = rate >= TARGETS.perSecond && rate / plain >= TARGETS.ofPlain;
    console.log(`targets: >= ${TARGETS.perSecond} deliveries/s and >= ${TARGETS.ofPlain} of the plain loop: ${met ? 'met' : 'NOT met'}`);
  } finally {
    receiver.stop();
    await db.end();
    await scratch.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
