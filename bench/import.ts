/**
 * Bulk-import benchmark: the real app over HTTP against a scratch database, one 10,000-row CSV whose rows
 * register their enterprises inline. Prints rows/s, wall time and the process's peak RSS (client and
 * server share the process, so the figure bounds the server's).
 */
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/load-config';
import { PrincipalsService } from '../src/principals/principals.service';
import { createScratchDatabase, prepareTemplateDatabase } from '../test/support/database';
import { uscc } from '../test/support/fixtures';

const ROWS = 10_000;
const ROWS_PER_ENTERPRISE = 4;
const TARGET_ROWS_PER_SECOND = 2_000;

function csv(): string {
  const lines = ['统一社会信用代码,企业名称,行业,维度,责任部门,县区,依据,下达日期,案件编号,设备,生产线,产能,单位'];
  for (let i = 0; i < ROWS; i++) {
    const n = 1_000_000 + Math.floor(i / ROWS_PER_ENTERPRISE);
    lines.push(
      [uscc(n), `河源市基准钢铁有限公司${n}`, '钢铁', '能耗', '工业和信息化局', '源城区', '"《河源市淘汰落后产能工作方案》, 能耗标准"', '2025-03-31', `BENCH-${i}`, `${i % 7}号高炉`, '一号线', String(10 + (i % 50)), '万吨/年'].join(','),
    );
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

async function main(): Promise<void> {
  await prepareTemplateDatabase();
  const db = await createScratchDatabase();
  const config = loadConfig({
    env: { ...process.env, NODE_ENV: 'test' },
    overrides: { database: { url: db.url, poolSize: 5 }, log: { level: 'warn' } },
  });
  const app = await createApp(config);
  try {
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    const { key } = await app.get(PrincipalsService).create({ name: 'bench', role: 'department', department: 'industry_it' });
    const body = Buffer.from(csv());
    const startedRssMb = process.memoryUsage().rss / 1024 / 1024;

    const post = async () => {
      const started = process.hrtime.bigint();
      const res = await fetch(`http://127.0.0.1:${port}/v1/obligations:import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv; charset=utf-8' },
        body,
      });
      const answer = (await res.json()) as Record<string, unknown>;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      return { status: res.status, answer, seconds };
    };

    const first = await post();
    if (first.status !== 201) throw new Error(`import failed: ${first.status} ${JSON.stringify(first.answer).slice(0, 500)}`);
    const repeat = await post();
    const rate = ROWS / first.seconds;
    const peakMb = process.resourceUsage().maxRSS / 1024;
    console.log(`rows: ${ROWS} (${ROWS / ROWS_PER_ENTERPRISE} enterprises inline), body ${(body.length / 1024 / 1024).toFixed(1)} MiB`);
    console.log(`import: ${first.seconds.toFixed(2)} s wall, ${Math.round(rate)} rows/s -> ${JSON.stringify(first.answer)}`);
    console.log(`repeat (all skipped): ${repeat.seconds.toFixed(2)} s wall, ${Math.round(ROWS / repeat.seconds)} rows/s -> ${JSON.stringify(repeat.answer)}`);
    console.log(`peak RSS: ${peakMb.toFixed(0)} MiB (${startedRssMb.toFixed(0)} MiB after start-up, before the first request)`);
    console.log(rate >= TARGET_ROWS_PER_SECOND ? `OK: at least ${TARGET_ROWS_PER_SECOND} rows/s` : `BELOW TARGET of ${TARGET_ROWS_PER_SECOND} rows/s`);
    if (rate < TARGET_ROWS_PER_SECOND) process.exitCode = 1;
  } finally {
    await app.close();
    await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
