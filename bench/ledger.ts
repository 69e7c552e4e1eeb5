/**
 * Transparency log benchmark (DESIGN section 5):
 *  1. appends ENTRIES (1,000,000) ledger entries in transactions of 1,000 with the checkpointer running as on a
 *     worker instance, and the same without it (the plain baseline, same run): entries/s and the ratio; the
 *     p99 time from an append's commit to a checkpoint covering it, seen by a client polling the newest one;
 *  2. at that size, median (and p99) inclusion and consistency proof times over HTTP, random leaves and sizes;
 *  3. the sweep benchmark (bench/sweep.ts) with and without the checkpointer: wall times and the ratio.
 * Targets (issue 13): sweep with the log ≤ 1.10 × without (each normalised by its run's plain INSERT ... SELECT); covering checkpoint ≤ 2 s after commit (p99);
 * proofs ≤ 5 ms (median). Exit status 1 when one is missed.
 *   npm run bench:ledger [-- ENTRIES [SWEEP_OBLIGATIONS SWEEP_OVERDUE]]
 */
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { SystemClock } from '../src/common/clock';
import { loadConfig } from '../src/config/load-config';
import { Checkpointer } from '../src/ledger/checkpointer.service';
import { LedgerService } from '../src/ledger/ledger.service';
import type { RecordDraft } from '../src/records/sanction-record';
import { createScratchDatabase, prepareTemplateDatabase } from '../test/support/database';
import { runSweepBench } from './sweep';

const ENTRIES = Number(process.argv[2] ?? 1_000_000);
const SWEEP = { total: Number(process.argv[3] ?? 1_000_000), overdue: Number(process.argv[4] ?? 100_000) };
const PER_COMMIT = 1_000;
const PROOFS = 2_000;
const TARGETS = { sweepRatio: 1.1, coveringP99Ms: 2_000, proofMedianMs: 5 };

const draft = (n: number): RecordDraft =>
  ({
    recordId: `01JBENCH${String(n).padStart(18, '0')}`,
    version: 1,
    event: 'sanction.issued',
    subject: { uscc: '91441600MA4UXXXX1X', name: `河源市基准钢铁有限公司${n}` },
    measures: ['land_supply', 'financing_credit'],
    issuedAt: new Date().toISOString(),
  }) as unknown as RecordDraft;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

async function startGateway(withLog: boolean) {
  const scratch = await createScratchDatabase();
  const config = loadConfig({
    env: { ...process.env, NODE_ENV: 'test' },
    overrides: { database: { url: scratch.url, poolSize: 6 }, log: { level: 'warn' }, runtime: { roles: ['api'] }, redis: { keyPrefix: `bl${Date.now()}` } },
  });
  const app = await createApp(config, { clock: new SystemClock() });
  await app.listen(0, '127.0.0.1');
  if (withLog) app.get(Checkpointer).startPeriodic();
  return { app, scratch, url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}

/** Appends ENTRIES entries; with the log, also the commit → covering checkpoint latencies seen by a poller. */
async function append(withLog: boolean) {
  const gw = await startGateway(withLog);
  const ledger = gw.app.get(LedgerService);
  const db = gw.app.get(DataSource);
  const commits: Array<{ seq: number; at: bigint }> = [];
  const latencies: number[] = [];
  let polling = withLog;
  // A client watching the newest checkpoint, as a monitor or a push would.
  const poller = (async () => {
    let next = 0;
    while (polling || next < commits.length) {
      const [row] = await db.query('SELECT tree_size FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1');
      const size = Number(row?.tree_size ?? 0);
      const now = process.hrtime.bigint();
      while (next < commits.length && commits[next].seq <= size) latencies.push(Number(now - commits[next++].at) / 1e6);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const started = process.hrtime.bigint();
  for (let n = 0; n < ENTRIES; n += PER_COMMIT) {
    const drafts = Array.from({ length: Math.min(PER_COMMIT, ENTRIES - n) }, (_, i) => draft(n + i));
    const placed = await db.transaction((m) => ledger.place(m, drafts));
    commits.push({ seq: placed[placed.length - 1].entry.seq, at: process.hrtime.bigint() });
  }
  const wallMs = ms(started);
  polling = false;
  if (withLog) await gw.app.get(Checkpointer).covering(ENTRIES);
  await poller;
  return { gw, wallMs, latencies: latencies.sort((a, b) => a - b) };
}

async function proofTimes(url: string) {
  const timed = async (path: string) => {
    const t0 = process.hrtime.bigint();
    const res = await fetch(url + path);
    await res.json();
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return ms(t0);
  };
  const inclusion: number[] = [];
  const consistency: number[] = [];
  for (let i = 0; i < PROOFS; i++) {
    inclusion.push(await timed(`/v1/ledger/proofs/inclusion?seq=${1 + Math.floor(Math.random() * ENTRIES)}`));
    consistency.push(await timed(`/v1/ledger/proofs/consistency?from=${1 + Math.floor(Math.random() * (ENTRIES - 1))}&to=${ENTRIES}`));
  }
  return { inclusion: inclusion.sort((a, b) => a - b), consistency: consistency.sort((a, b) => a - b) };
}

async function main(): Promise<void> {
  await prepareTemplateDatabase();
  console.log(`appending ${ENTRIES} entries, ${PER_COMMIT} per commit`);
  const plain = await append(false);
  await plain.gw.app.close();
  await plain.gw.scratch.drop();
  const logged = await append(true);
  const rate = ENTRIES / (logged.wallMs / 1000);
  const plainRate = ENTRIES / (plain.wallMs / 1000);
  const p99 = quantile(logged.latencies, 0.99);
  const [checkpoints] = await logged.gw.app.get(DataSource).query('SELECT count(*)::int AS n FROM ledger_checkpoints');
  console.log(`entries/s appended   ${Math.round(rate)} with checkpoints running; ${Math.round(plainRate)} without; ratio ${(rate / plainRate).toFixed(2)}`);
  console.log(`checkpoints signed   ${checkpoints.n} (every ${(logged.wallMs / checkpoints.n / 1000).toFixed(2)} s on average)`);
  console.log(
    `commit → covering    p50 ${quantile(logged.latencies, 0.5).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${logged.latencies[logged.latencies.length - 1].toFixed(0)} ms (${logged.latencies.length} commits)`,
  );

  const proofs = await proofTimes(logged.gw.url);
  const incMedian = quantile(proofs.inclusion, 0.5);
  const conMedian = quantile(proofs.consistency, 0.5);
  console.log(`inclusion proof      median ${incMedian.toFixed(2)} ms, p99 ${quantile(proofs.inclusion, 0.99).toFixed(2)} ms at ${ENTRIES} entries (HTTP, ${PROOFS} random leaves)`);
  console.log(`consistency proof    median ${conMedian.toFixed(2)} ms, p99 ${quantile(proofs.consistency, 0.99).toFixed(2)} ms at ${ENTRIES} entries (HTTP, ${PROOFS} random sizes)`);
  await logged.gw.app.close();
  await logged.gw.scratch.drop();

  console.log(`\nsweep benchmark (${SWEEP.total} obligations, ${SWEEP.overdue} overdue), without the log:`);
  const without = await runSweepBench(SWEEP.total, SWEEP.overdue, false, (l) => console.log(`  ${l}`));
  console.log('with the checkpointer running:');
  const withLog = await runSweepBench(SWEEP.total, SWEEP.overdue, true, (l) => console.log(`  ${l}`));
  // Each sweep against its own run's plain INSERT ... SELECT, so that a change in the machine's load between the
  // two runs (other work on a shared machine) does not pass for the log's cost.
  const ratio = withLog.wall / withLog.plain / (without.wall / without.plain);
  console.log(`sweep wall time      ${without.wall.toFixed(1)} s without the log, ${withLog.wall.toFixed(1)} s with it (raw ratio ${(withLog.wall / without.wall).toFixed(3)})`);
  console.log(`sweep / plain        ${(without.wall / without.plain).toFixed(2)}x without, ${(withLog.wall / withLog.plain).toFixed(2)}x with: ratio ${ratio.toFixed(3)}`);

  const missed = [
    ratio > TARGETS.sweepRatio && `sweep ratio ${ratio.toFixed(3)} > ${TARGETS.sweepRatio}`,
    p99 > TARGETS.coveringP99Ms && `covering checkpoint p99 ${p99.toFixed(0)} ms > ${TARGETS.coveringP99Ms} ms`,
    incMedian > TARGETS.proofMedianMs && `inclusion median ${incMedian.toFixed(2)} ms > ${TARGETS.proofMedianMs} ms`,
    conMedian > TARGETS.proofMedianMs && `consistency median ${conMedian.toFixed(2)} ms > ${TARGETS.proofMedianMs} ms`,
  ].filter(Boolean);
  console.log(missed.length ? `targets missed: ${missed.join('; ')}` : 'targets met: sweep ≤ 1.10×, covering checkpoint p99 ≤ 2 s, proofs ≤ 5 ms');
  process.exit(missed.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
