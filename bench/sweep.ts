/**
 * Sweep benchmark: 1,000,000 obligations of which 100,000 are past their exit deadline (notice period 0),
 * 9 subscriptions (one per restriction domain); one sweep. Prints throughput, wall time, peak RSS, and the
 * ratio to a plain INSERT ... SELECT writing the same number of delivery rows in the same run.
 *   npm run bench:sweep [-- OBLIGATIONS OVERDUE [--with-log]]
 * With --with-log the transparency log's checkpointer runs during the sweep, as on a worker instance
 * (bench/ledger.ts runs the sweep both ways for the ratio).
 */
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { FixedClock } from '../src/common/clock';
import { MEASURES } from '../src/common/domain';
import { loadConfig } from '../src/config/load-config';
import { Checkpointer } from '../src/ledger/checkpointer.service';
import { SweepService } from '../src/sweep/sweep.service';
import { createScratchDatabase, prepareTemplateDatabase } from '../test/support/database';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const TOTAL = Number(args[0] ?? 1_000_000);
const OVERDUE = Number(args[1] ?? 100_000);
const AS_OF = '2026-03-01T08:00:00+08:00';

async function seed(db: Client, TOTAL: number, OVERDUE: number): Promise<void> {
  const enterprises = Math.ceil(TOTAL / 10);
  await db.query(
    `INSERT INTO enterprises (uscc, name, county, industry, org_code_valid, created_at, updated_at)
     SELECT '91441600' || lpad(g::text, 10, '0'), '河源市基准钢铁有限公司' || g, '441602', 'steel', true, now(), now()
       FROM generate_series(1, $1) g`,
    [enterprises],
  );
  // Obligations 1..OVERDUE are exit_ordered with a deadline already missed; the rest are still in rectification.
  await db.query(
    `INSERT INTO obligations (uscc, dimension, department, county, basis, issued_on, capacity, external_ref, stage, deadline,
                              initial_deadline, created_at, updated_at)
     SELECT '91441600' || lpad((1 + (g - 1) % $2)::text, 10, '0'), 'energy', 'industry_it', '441602', '能耗标准',
            '2025-01-15', '[{"equipment": "450m³高炉", "amount": 60, "unit": "万吨/年"}]', 'BENCH-' || g,
            CASE WHEN g <= $3 THEN 'exit_ordered' ELSE 'rectification' END,
            CASE WHEN g <= $3 THEN date '2026-01-31' ELSE date '2026-07-15' END,
            CASE WHEN g <= $3 THEN date '2026-01-31' ELSE date '2026-07-15' END, now(), now()
       FROM generate_series(1, $1) g`,
    [TOTAL, enterprises, OVERDUE],
  );
  for (const [i, domain] of MEASURES.entries()) {
    await db.query(
      `INSERT INTO subscriptions (agency, domains, url, secret, created_at, updated_at) VALUES ($1, $2, $3, $4, now(), now())`,
      [`agency-${i}`, [domain], `https://agency-${i}.example/hook`, `whsec_${Buffer.alloc(32, i).toString('base64')}`],
    );
  }
  await db.query('ANALYZE');
}

async function plainInsertSelect(db: Client, rows: number): Promise<number> {
  await db.query(`CREATE TABLE plain_deliveries (LIKE deliveries INCLUDING DEFAULTS INCLUDING INDEXES)`);
  const started = process.hrtime.bigint();
  await db.query(
    `INSERT INTO plain_deliveries (record_id, version, event, target, subscription_id, next_attempt_at, created_at, updated_at)
     SELECT r.record_id, 1, 'sanction.issued', s.target, NULL, now(), now(), now()
       FROM records r CROSS JOIN (SELECT 'credit-platform' AS target UNION ALL SELECT id::text FROM subscriptions) s
      LIMIT $1`,
    [rows],
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export interface SweepRun {
  wall: number;
  counts: { examined: number; notified: number; sanctioned: number; deliveries: number };
  /** The plain INSERT ... SELECT of as many delivery rows, in the same run (the machine's pace then). */
  plain: number;
  /** With the log: how long after the sweep the checkpoint covered every entry it wrote. */
  catchUpSeconds?: number;
}

/** One sweep over a freshly seeded scratch database; `print` gets the usual report lines. */
export async function runSweepBench(total: number, overdue: number, withLog: boolean, print: (line: string) => void = console.log): Promise<SweepRun> {
  await prepareTemplateDatabase();
  const scratch = await createScratchDatabase();
  const db = new Client({ connectionString: scratch.url });
  await db.connect();
  const [TOTAL, OVERDUE] = [total, overdue];
  try {
    const seedStart = Date.now();
    await seed(db, TOTAL, OVERDUE);
    print(`seeded ${TOTAL} obligations (${OVERDUE} overdue) and 9 subscriptions in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const config = loadConfig({
      env: { ...process.env, NODE_ENV: 'test' },
      overrides: {
        database: { url: scratch.url, poolSize: 4 },
        log: { level: 'warn' },
        dimensions: { energy: { noticeDays: 0 } },
        // Only the sweep is measured: no relay sending the deliveries it writes.
        runtime: { roles: ['api'] },
      },
    });
    const app = await createApp(config, { clock: new FixedClock(new Date(AS_OF)) });
    await app.init();
    // The checkpointer as a worker instance runs it (the relay stays off: only the sweep is measured).
    if (withLog) app.get(Checkpointer).startPeriodic();
    const rssBefore = process.memoryUsage().rss;
    const started = process.hrtime.bigint();
    const counts = await app.get(SweepService).run('bench');
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    let catchUpSeconds: number | undefined;
    if (withLog) {
      const head = Number((await db.query('SELECT seq FROM ledger_head')).rows[0].seq);
      await app.get(Checkpointer).covering(head);
      catchUpSeconds = Number(process.hrtime.bigint() - started) / 1e9 - wall;
    }
    await app.close();
    const plain = await plainInsertSelect(db, counts.deliveries);
    const peak = process.resourceUsage().maxRSS / 1024;
    print(
      JSON.stringify({ examined: counts.examined, notified: counts.notified, sanctioned: counts.sanctioned, deliveryRows: counts.deliveries }),
    );
    print(`wall time            ${wall.toFixed(1)} s`);
    print(`obligations/s        ${Math.round(TOTAL / wall)} (of ${TOTAL} held; ${counts.examined} overdue examined)`);
    print(`records signed/s     ${Math.round(counts.sanctioned / wall)}`);
    print(`delivery rows        ${counts.deliveries}`);
    print(`peak RSS             ${peak.toFixed(0)} MiB (at sweep start ${(rssBefore / 2 ** 20).toFixed(0)} MiB)`);
    print(`plain INSERT..SELECT ${plain.toFixed(2)} s for ${counts.deliveries} rows; sweep / plain = ${(wall / plain).toFixed(1)}x`);
    if (catchUpSeconds !== undefined) print(`transparency log     checkpoint covered every entry ${catchUpSeconds.toFixed(2)} s after the sweep ended`);
    return { wall, counts, plain, catchUpSeconds };
  } finally {
    await db.end();
    await scratch.drop();
  }
}

if (require.main === module) {
  runSweepBench(TOTAL, OVERDUE, process.argv.includes('--with-log')).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
