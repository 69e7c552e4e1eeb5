#!/usr/bin/env node
'use strict';
// The demo script's HTTP probe, so that it needs Node alone: `http.js <url> [api key]` prints the status code,
// or 000 when nothing answers within 2 s; `http.js --clock <base url>` prints the gateway's clock line.
async function main() {
  const [first, second] = process.argv.slice(2);
  if (first === '--clock') {
    const c = (await (await fetch(`${second}/health`, { signal: AbortSignal.timeout(2000) })).json()).details.clock;
    const at = new Date(c.now).toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' });
    process.stdout.write(`${c.mode}, now ${at} (Asia/Shanghai)`);
    return;
  }
  const headers = second ? { authorization: `Bearer ${second}` } : {};
  try {
    const res = await fetch(first, { headers, signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    process.stdout.write(String(res.status));
  } catch {
    process.stdout.write('000');
  }
}

main().catch((e) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
