import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One answer of a plan: a status (optionally late), or no answer at all. */
export type ReceiverStep = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | { hang: true };

export interface ReceivedRequest {
  path: string;
  webhookId: string | null;
  /** The parsed JSON body (the raw text when it is not JSON). */
  body: any;
  /**
   * The signature matches one of the path's secrets; false when the path has none. The timestamp is judged
   * apart (`fresh`) because tests often run the app on a fixed clock.
   */
  verified: boolean;
  /** `webhook-timestamp` is within 5 minutes of the receiver's clock, as Standard Webhooks receivers demand. */
  fresh: boolean;
  /** What was answered; null when the step was to hang. */
  status: number | null;
  headers: IncomingMessage['headers'];
  at: Date;
}

export interface ReceiverOptions {
  /** The clock `fresh` is judged by; defaults to the wall clock. Pass the app's clock when a test fixes time. */
  now?: () => Date;
}

export interface Receiver {
  url(path: string): string;
  /** Steps are used in order, then the last one repeats. Unplanned paths answer 200. */
  respond(path: string, plan: ReceiverStep[]): void;
  /** Like respond, but counted per `webhook-id`: the nth push of each delivery gets the nth step. */
  respondPerDelivery(path: string, plan: ReceiverStep[]): void;
  /** Requests to `path` are verified with these `whsec_` secrets (any one may match). */
  secret(path: string, ...secrets: string[]): void;
  received(path?: string): ReceivedRequest[];
  count(path?: string): number;
  /** Resolves with everything received once `predicate` holds; rejects after `timeoutMs`. */
  waitFor(predicate: (received: ReceivedRequest[]) => boolean, timeoutMs: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

const TOLERANCE_SECONDS = 300;

/** The request's signature matches one of the secrets (computed by the reference library's signer). */
function signatureMatches(hooks: Webhook[], raw: string, headers: IncomingMessage['headers']): boolean {
  const id = headers['webhook-id'];
  const ts = Number(headers['webhook-timestamp']);
  const offered = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof offered !== 'string' || !Number.isInteger(ts)) return false;
  const signatures = new Set(offered.split(' '));
  return hooks.some((h) => signatures.has(h.sign(id, new Date(ts * 1000), raw)));
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** A local webhook endpoint for delivery tests and benchmarks, on 127.0.0.1 and a free port. */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const plans = new Map<string, { steps: ReceiverStep[]; next: number }>();
  const perDelivery = new Map<string, { steps: ReceiverStep[]; seen: Map<string, number> }>();
  const secrets = new Map<string, Webhook[]>();
  const now = options.now ?? (() => new Date());
  const log: ReceivedRequest[] = [];
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const nextStep = (path: string, webhookId: string | null): ReceiverStep => {
    const byDelivery = perDelivery.get(path);
    if (byDelivery && byDelivery.steps.length) {
      const n = byDelivery.seen.get(webhookId ?? '') ?? 0;
      byDelivery.seen.set(webhookId ?? '', n + 1);
      return byDelivery.steps[Math.min(n, byDelivery.steps.length - 1)];
    }
    const plan = plans.get(path);
    if (!plan || !plan.steps.length) return { status: 200 };
    const step = plan.steps[Math.min(plan.next, plan.steps.length - 1)];
    plan.next++;
    return step;
  };

  const answer = (res: ServerResponse, step: ReceiverStep) => {
    if ('hang' in step) return;
    const send = () => {
      if (!res.destroyed) res.writeHead(step.status, step.headers).end(step.body ?? '');
    };
    if (!step.delayMs) return send();
    const t = setTimeout(() => {
      timers.delete(t);
      send();
    }, step.delayMs);
    timers.add(t);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0];
      const step = nextStep(path, (req.headers['webhook-id'] as string | undefined) ?? null);
      const hooks = secrets.get(path);
      const ts = Number(req.headers['webhook-timestamp']);
      log.push({
        path,
        webhookId: (req.headers['webhook-id'] as string | undefined) ?? null,
        body: parse(raw),
        verified: hooks ? signatureMatches(hooks, raw, req.headers) : false,
        fresh: Number.isInteger(ts) && Math.abs(now().getTime() / 1000 - ts) <= TOLERANCE_SECONDS,
        status: 'hang' in step ? null : step.status,
        headers: req.headers,
        at: new Date(),
      });
      counts.set(path, (counts.get(path) ?? 0) + 1);
      answer(res, step);
    });
  });
  // The sender keeps connections open; outlive its idle sockets so reuse never races a server-side close.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: (path) => base + (path.startsWith('/') ? path : `/${path}`),
    respond(path, plan) {
      plans.set(path, { steps: [...plan], next: 0 });
    },
    respondPerDelivery(path, plan) {
      perDelivery.set(path, { steps: [...plan], seen: new Map() });
    },
    secret(path, ...whsecSecrets) {
      secrets.set(path, whsecSecrets.map((x) => new Webhook(x)));
    },
    received: (path) => (path === undefined ? [...log] : log.filter((r) => r.path === path)),
    count: (path) => (path === undefined ? log.length : counts.get(path) ?? 0),
    waitFor(predicate, timeoutMs) {
      // Polled rather than checked per request: a predicate may scan the whole log, or look beyond it.
      return new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = () => {
          try {
            if (predicate(log)) return resolve([...log]);
          } catch (error) {
            return reject(error);
          }
          if (Date.now() >= deadline) {
            return reject(new Error(`receiver: condition not met within ${timeoutMs} ms (${log.length} requests received)`));
          }
          setTimeout(check, 10);
        };
        check();
      });
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
