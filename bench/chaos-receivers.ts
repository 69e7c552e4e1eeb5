/**
 * The agencies of the chaos benchmark, run as their own process so that killing gateway processes never
 * touches them. Each path is one agency. Every push is verified (Standard Webhooks HMAC); a delivery's first
 * push answers 503 for 30 % of delivery ids and never answers for 5 % (drawn from a hash of the id, so a run
 * repeats exactly); every later push of it answers 200. Counts what it accepted, per delivery id.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, ServerResponse } from 'node:http';

const FIRST_PUSH = { unavailable: 0.3, hang: 0.05 };

const keys = new Map<string, Buffer>();
const seen = new Map<string, number>();
const accepted = new Map<string, number>();
const hanging = new Set<ServerResponse>();
let faults = true;
let requests = 0;
let rejected = 0;
let unavailable = 0;
let hung = 0;

/** Where a delivery id falls in [0, 1): the same for the same id in every run. */
function draw(id: string): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) / 2 ** 32;
}

function verified(key: Buffer | undefined, id: string | undefined, ts: string | undefined, signature: string, body: Buffer): boolean {
  if (!key || !id || !ts) return false;
  const expected = createHmac('sha256', key).update(`${id}.${ts}.`).update(body).digest();
  return signature.split(' ').some((s) => {
    const given = Buffer.from(s.replace(/^v1,/, ''), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    requests++;
    const id = req.headers['webhook-id'] as string | undefined;
    if (!verified(keys.get(req.url ?? ''), id, req.headers['webhook-timestamp'] as string | undefined, String(req.headers['webhook-signature'] ?? ''), Buffer.concat(chunks))) {
      rejected++;
      return res.writeHead(401).end();
    }
    const pushes = (seen.get(id!) ?? 0) + 1;
    seen.set(id!, pushes);
    const x = draw(id!);
    if (faults && pushes === 1 && x < FIRST_PUSH.hang) {
      hung++;
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (faults && pushes === 1 && x < FIRST_PUSH.hang + FIRST_PUSH.unavailable) {
      unavailable++;
      return res.writeHead(503).end();
    }
    accepted.set(id!, (accepted.get(id!) ?? 0) + 1);
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;

interface Command {
  secrets?: Record<string, string>;
  faults?: boolean;
  stats?: boolean;
  reset?: boolean;
}

process.on('message', (msg: Command) => {
  if (msg.secrets) for (const [path, s] of Object.entries(msg.secrets)) keys.set(path, Buffer.from(s.slice('whsec_'.length), 'base64'));
  if (msg.faults !== undefined) faults = msg.faults;
  if (msg.reset) {
    for (const res of hanging) res.destroy();
    seen.clear();
    accepted.clear();
    requests = rejected = unavailable = hung = 0;
  }
  if (msg.stats) {
    let twice = 0;
    for (const n of accepted.values()) if (n > 1) twice++;
    process.send!({ requests, rejected, unavailable, hung, accepted: accepted.size, acceptedMoreThanOnce: twice, ids: [...accepted.keys()] });
  }
});

const port = Number(process.argv[2] ?? 0);
server.listen(port, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
