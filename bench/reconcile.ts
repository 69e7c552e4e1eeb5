/**
 * Reconciliation benchmark: 1,000,000 records in the gateway and on the sandbox platform, of which 1% are
 * missing on the platform, 0.5% stale there, and 0.1% more are held there but unknown here. The platform lists
 * them shuffled, each page repeating a tenth of the one before (as a listing by update time does). One platform
 * reconciliation through the service; prints wall time, records/s and the gateway process's peak RSS, then the
 * plain baseline: the same listing only downloaded, through the same connector, in the same run.
 * The sandbox runs in a child process, so the RSS printed is the gateway's alone. Compiled and run as plain
 * node, as production runs.
 *   npm run bench:reconcile        (RECORDS overrides the size: npm run bench:reconcile -- 200000)
 */
import { ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { ListingOrder } from '../sandbox/record-table';
import { startSandbox } from '../sandbox/server';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/load-config';
import { CreditPlatformAdapter } from '../src/credit-platform/credit-platform.adapter';
import { ReconciliationService } from '../src/reconciliation/reconciliation.service';
import { createScratchDatabase, prepareTemplateDatabase } from '../test/support/database';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const SECRET = 'whsec_' + Buffer.alloc(32, 5).toString('base64');
const CLIENT_ID = 'bench-gateway';
const SOURCE = 'bench-gateway';
const SEED_CHUNK = 25_000;
const LISTING: ListingOrder = { order: 'shuffled', repeat: 0.1, seed: 20251201 };
const TARGETS = { seconds: 60, rssMiB: 512 };

// Record n's id sorts with n; its unknown twin (0.1%) sorts right after it on the platform.
const idOf = (n: number, suffix = '0') => `01J${String(n).padStart(22, '0')}${suffix}`;
const missing = (n: number) => n % 100 === 1;
const stale = (n: number) => n % 200 === 2;
const unknownAfter = (n: number) => n % 1000 === 3;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

async function seedGateway(db: Client): Promise<void> {
  // Reconciliation never reads obligations; without this key the seed is about records alone.
  await db.query('ALTER TABLE records DROP CONSTRAINT records_obligation_id_fkey');
  await db.query(
    `INSERT INTO records (record_id, obligation_id, missed_deadline, uscc, subject_name, department, county, dimension, status, current_version,
                          measures, listed_on, repair_eligible_on, publication_ends_on, issued_at)
     SELECT '01J' || lpad(g::text, 22, '0') || '0', gen_random_uuid(), '2025-05-20', '91441600' || lpad((g % 100000)::text, 10, '0'),
            '河源市基准钢铁有限公司' || g, 'industry_it', '441602', 'energy', 'active', 1, ARRAY['land_supply'], '2025-05-21', '2025-08-21', '2028-05-21', now()
       FROM generate_series(1, $1) g`,
    [TOTAL],
  );
  // record_hash is the SHA-256 of the id here, as the platform's contentHash is below: equal unless made stale.
  await db.query(
    `INSERT INTO record_versions (record_id, version, event, jws, record_hash, ledger_seq, created_at)
     SELECT record_id, 1, 'sanction.issued', 'e30.e30.sig', encode(sha256(convert_to(record_id, 'UTF8')), 'hex'), row_number() OVER (), now()
       FROM records`,
  );
  // Everything was delivered once, as in a running deployment: repairs reset these rows rather than add new ones.
  await db.query(
    `INSERT INTO deliveries (record_id, version, event, target, status, attempts, next_attempt_at, delivered_at, created_at, updated_at)
     SELECT record_id, 1, 'sanction.issued', 'credit-platform', 'delivered', 1, now(), now(), now(), now() FROM records`,
  );
  await db.query('VACUUM ANALYZE records, record_versions, deliveries');
}

async function seedPlatform(sandboxUrl: string): Promise<number> {
  let held = 0;
  for (let from = 1; from <= TOTAL; from += SEED_CHUNK) {
    const items: object[] = [];
    for (let n = from; n < Math.min(from + SEED_CHUNK, TOTAL + 1); n++) {
      const id = idOf(n);
      if (!missing(n)) items.push({ recordId: id, version: 1, contentHash: sha(stale(n) ? `${id}:old` : id), status: 'active', source: SOURCE });
      if (unknownAfter(n)) items.push({ recordId: idOf(n, 'Z'), version: 1, contentHash: sha(`${n}:unknown`), status: 'active', source: SOURCE });
    }
    const res = await fetch(`${sandboxUrl}/control/platform/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
    if (!res.ok) throw new Error(`sandbox seed: ${res.status} ${await res.text()}`);
    held = ((await res.json()) as { records: number }).records;
  }
  return held;
}

function startSandboxProcess(): Promise<{ child: ChildProcess; url: string; platformUrl: string }> {
  return new Promise((resolve, reject) => {
    // Compiled beside this file (npm run bench:reconcile), or TypeScript when run through ts-node.
    const child = fork(__filename, ['--sandbox'], { execArgv: __filename.endsWith('.js') ? [] : ['-r', 'ts-node/register/transpile-only'] });
    child.once('message', (m) => resolve({ child, ...(m as { url: string; platformUrl: string }) }));
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`sandbox exited with ${code}`)));
  });
}

async function sandboxMain(): Promise<void> {
  const sandbox = await startSandbox({ port: 0, platform: { clientId: CLIENT_ID, secret: SECRET, listing: LISTING }, logger: false });
  process.send!({ url: sandbox.url, platformUrl: sandbox.platformUrl });
  process.on('disconnect', () => void sandbox.close().then(() => process.exit(0)));
}

async function main(): Promise<void> {
  await prepareTemplateDatabase();
  const scratch = await createScratchDatabase();
  const db = new Client({ connectionString: scratch.url });
  await db.connect();
  const sandbox = await startSandboxProcess();
  try {
    const seedStart = Date.now();
    await seedGateway(db);
    const held = await seedPlatform(sandbox.url);
    console.log(`seeded ${TOTAL} records here and ${held} on the platform (child process) in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const config = loadConfig({
      env: { ...process.env, NODE_ENV: 'test' },
      overrides: {
        database: { url: scratch.url, poolSize: 4 },
        log: { level: 'warn' },
        creditPlatform: { url: sandbox.platformUrl, clientId: CLIENT_ID, secret: SECRET, source: SOURCE },
        // Only the reconciliation is measured: no relay sending the deliveries it repairs.
        runtime: { roles: ['api'] },
      },
    });
    // The wall clock: the platform checks each request's signed timestamp against its own.
    const app = await createApp(config);
    await app.init();
    const rssBefore = process.memoryUsage().rss;
    let rssDuring = rssBefore;
    const sampler = setInterval(() => (rssDuring = Math.max(rssDuring, process.memoryUsage().rss)), 100);
    const started = process.hrtime.bigint();
    const report = await app.get(ReconciliationService).runNow('credit-platform', null, 'api');
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    const expected = {
      missingRemote: countWhere(missing),
      staleRemote: countWhere((n) => stale(n) && !missing(n)),
      unknownRemote: countWhere(unknownAfter),
    };
    const peakMiB = process.resourceUsage().maxRSS / 1024;
    const { rows: [{ due }] } = await db.query(`SELECT count(*)::int AS due FROM deliveries WHERE status = 'pending'`);
    console.log(JSON.stringify({ status: report.status, error: report.error, counts: report.counts, expected, deliveriesMadeDue: due }));
    console.log(`listing              ${JSON.stringify(LISTING)}: ${report.counts.listed} items listed for ${held} held`);
    console.log(`wall time            ${wall.toFixed(1)} s`);
    console.log(`records/s            ${Math.round(TOTAL / wall)} (${TOTAL} here, ${held} on the platform)`);
    console.log(`peak RSS             ${peakMiB.toFixed(0)} MiB for the gateway process (sampled during the run ${(rssDuring / 2 ** 20).toFixed(0)} MiB, at start ${(rssBefore / 2 ** 20).toFixed(0)} MiB)`);
    const plain = await downloadOnly(app.get(CreditPlatformAdapter), config.reconciliation.pageSize);
    await app.close();
    console.log(`plain baseline       the listing downloaded alone: ${plain.items} items in ${plain.seconds.toFixed(1)} s`);
    console.log(`reconciliation / download = ${(wall / plain.seconds).toFixed(2)}`);
    // Every missing and stale record, and only those, has its platform delivery due again.
    const countsOk =
      report.status === 'done' &&
      Object.entries(expected).every(([k, v]) => report.counts[k as keyof typeof expected] === v) &&
      due === expected.missingRemote + expected.staleRemote;
    const met = wall <= TARGETS.seconds && peakMiB <= TARGETS.rssMiB;
    console.log(`targets: counts as seeded ${countsOk ? 'yes' : 'NO'}; <= ${TARGETS.seconds} s and <= ${TARGETS.rssMiB} MiB: ${met ? 'met' : 'NOT met'}`);
    if (!countsOk || !met) process.exitCode = 1;
  } finally {
    sandbox.child.disconnect();
    await db.end();
    await scratch.drop();
  }
}

/** Every page of the listing through the connector, kept no longer than it takes to count it. */
async function downloadOnly(platform: CreditPlatformAdapter, limit: number): Promise<{ items: number; seconds: number }> {
  const started = process.hrtime.bigint();
  let items = 0;
  let cursor: string | null = null;
  do {
    const page = await platform.list({ cursor, limit });
    items += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return { items, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function countWhere(test: (n: number) => boolean): number {
  let n = 0;
  for (let i = 1; i <= TOTAL; i++) if (test(i)) n++;
  return n;
}

if (process.argv.includes('--sandbox')) void sandboxMain();
else
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
