/**
 * A lean webhook receiver for the delivery benchmark, run as its own process: it verifies every Standard
 * Webhooks signature (HMAC-SHA256 over "{id}.{timestamp}.{body}") and counts, keeping nothing else.
 * Secrets arrive from the parent; it reports its port, then counts on request.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const keys = new Map<string, Buffer>();
let verified = 0;
let rejected = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const key = keys.get(req.url ?? '');
    const id = req.headers['webhook-id'];
    const ts = req.headers['webhook-timestamp'];
    const sig = String(req.headers['webhook-signature'] ?? '');
    let ok = false;
    if (key && typeof id === 'string' && typeof ts === 'string') {
      const expected = createHmac('sha256', key).update(`${id}.${ts}.`).update(Buffer.concat(chunks)).digest();
      ok = sig.split(' ').some((s) => {
        const given = Buffer.from(s.replace(/^v1,/, ''), 'base64');
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
    }
    if (ok) verified++;
    else rejected++;
    res.writeHead(ok ? 204 : 401).end();
  });
});
server.keepAliveTimeout = 60_000;

process.on('message', (msg: { secrets?: Record<string, string>; stats?: boolean; reset?: boolean }) => {
  if (msg.secrets) for (const [path, s] of Object.entries(msg.secrets)) keys.set(path, Buffer.from(s.slice('whsec_'.length), 'base64'));
  if (msg.reset) verified = rejected = 0;
  if (msg.stats) process.send!({ verified, rejected });
});

server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
