/**
 * Can strangers or large imports hold the process? The real app over HTTP against a scratch database; /health
 * is asked every 50 ms while (1) 100 bodies of 1 MB of nested arrays are sent at once to
 * POST /v1/restrictions:batch without a key, (2) a 24 MB CSV whose one line is nothing but commas, (3) three
 * 30 MB CSV imports at once (whose rows fail validation, so every row is read and checked and nothing is
 * written), then (4) one valid 30 MB import. Prints the worst and the 99th-percentile /health time of each
 * phase beside the same figures with nothing running, measured in the same run. Target: the worst under 1 s.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/load-config';
import { PrincipalsService } from '../src/principals/principals.service';
import { createScratchDatabase, prepareTemplateDatabase } from '../test/support/database';
import { uscc } from '../test/support/fixtures';

const MB = 1024 * 1024;
const HEADER = '统一社会信用代码,企业名称,行业,维度,责任部门,县区,依据,下达日期,案件编号,设备,生产线,产能,单位';

/** About `bytes` of rows; `valid: false` gives each an impossible date, so the whole file is checked and refused. */
function csv(bytes: number, tag: string, valid: boolean): Buffer {
  const basis = `"《河源市淘汰落后产能工作方案》, 能耗标准 ${'第三条'.repeat(40)}"`;
  const lines = [HEADER];
  let size = HEADER.length;
  for (let i = 0; size < bytes; i++) {
    const n = 2_000_000 + i;
    const line = [uscc(n), `河源市基准钢铁有限公司${n}`, '钢铁', '能耗', '工业和信息化局', '源城区', basis, valid ? '2025-03-31' : '2025-02-30', `${tag}-${i}`, '高炉', '一号线', '60', '万吨/年'].join(',');
    lines.push(line);
    size += Buffer.byteLength(line) + 2;
  }
  return Buffer.from(lines.join('\r\n'));
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  await prepareTemplateDatabase();
  const db = await createScratchDatabase();
  const config = loadConfig({
    env: { ...process.env, NODE_ENV: 'test' },
    overrides: { database: { url: db.url, poolSize: 5 }, log: { level: 'warn' }, http: { importMaxRows: 200_000 } },
  });
  const app = await createApp(config);
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const { key } = await app.get(PrincipalsService).create({ name: 'bench', role: 'department', department: 'industry_it' });
    const post = (body: Buffer) =>
      fetch(`${base}/v1/obligations:import`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' }, body }).then(
        async (r) => ({ status: r.status, body: (await r.text()).slice(0, 160) }),
      );

    /** /health times while `work` runs. */
    const during = async (work: () => Promise<unknown>) => {
      const times: number[] = [];
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      let running = true;
      const probe = (async () => {
        while (running) {
          const started = performance.now();
          await fetch(`${base}/health`).then((r) => r.arrayBuffer());
          times.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      const started = performance.now();
      const result = await work();
      const seconds = (performance.now() - started) / 1000;
      running = false;
      await probe;
      loop.disable();
      return { result, seconds, worst: Math.max(...times), p99: quantile(times, 0.99), samples: times.length, blocked: loop.max / 1e6 };
    };
    const report = (name: string, m: { seconds: number; worst: number; p99: number; samples: number; blocked: number }, idle: number) =>
      console.log(
        `${name.padEnd(42)} ${m.seconds.toFixed(1).padStart(6)} s   /health worst ${m.worst.toFixed(0).padStart(5)} ms, p99 ${m.p99.toFixed(0).padStart(5)} ms ` +
          `(${m.samples} probes; worst / idle worst = ${(m.worst / idle).toFixed(1)}); longest event-loop stall ${m.blocked.toFixed(0)} ms`,
      );

    const idle = await during(() => new Promise((resolve) => setTimeout(resolve, 3000)));
    console.log(`idle baseline: /health worst ${idle.worst.toFixed(1)} ms, p99 ${idle.p99.toFixed(1)} ms over ${idle.samples} probes`);
    const nested = Buffer.from(`{"usccs":${'['.repeat(MB / 2)}${']'.repeat(MB / 2)}}`);
    const strangers = await during(() =>
      Promise.all(
        Array.from({ length: 100 }, () =>
          fetch(`${base}/v1/restrictions:batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: nested }).then((r) => r.status),
        ),
      ),
    );
    report('100 × 1 MB nested arrays, no key', strangers, idle.worst);
    console.log(`  answers: ${[...new Set(strangers.result as number[])].join(', ')}`);
    const commas = Buffer.from(`${HEADER}\r\n${','.repeat(24 * MB)}\r\n`);
    const one = await during(() => post(commas));
    report('one 24 MB line of commas', one, idle.worst);
    console.log(`  answer: ${JSON.stringify(one.result)}`);
    const files = ['A', 'B', 'C'].map((tag) => csv(30 * MB, tag, false));
    const three = await during(() => Promise.all(files.map(post)));
    report(`three ${(files[0].length / MB).toFixed(0)} MB imports at once (refused)`, three, idle.worst);
    console.log(`  answers: ${(three.result as Array<{ status: number }>).map((r) => r.status).join(', ')}`);
    const valid = csv(30 * MB, 'V', true);
    const written = await during(() => post(valid));
    report(`one ${(valid.length / MB).toFixed(0)} MB import written`, written, idle.worst);
    console.log(`  answer: ${JSON.stringify(written.result)}`);
    const worst = Math.max(strangers.worst, one.worst, three.worst, written.worst);
    console.log(worst < 1000 ? `OK: /health answered within 1 s throughout (worst ${worst.toFixed(0)} ms)` : `ABOVE TARGET: /health took ${worst.toFixed(0)} ms`);
    if (worst >= 1000) process.exitCode = 1;
  } finally {
    await app.close();
    await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
