import { Test, TestingModule } from '@nestjs/testing';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ConfigModule } from '../config/config.module';
import { AppConfig } from '../config/config.schema';
import { HttpSender } from './http-sender';
import { HttpSenderModule } from './http-sender.module';

/** A sender as the engine has it, with the given hosts in outbound.allow. */
function compileSender(allow: string[]): Promise<TestingModule> {
  const config = { outbound: { allow }, delivery: { pushesInFlight: 16 } } as unknown as AppConfig;
  return Test.createTestingModule({ imports: [ConfigModule.forRoot(config), HttpSenderModule] }).compile();
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A local endpoint whose answer each test sets; it remembers what it was sent and which sockets it saw. */
async function startServer() {
  let handler: Handler = (_req, res) => res.end('ok');
  const seen: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  const sockets = new Set<Socket>();
  const closed: Socket[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => closed.push(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    seen,
    sockets,
    closed,
    on(h: Handler) {
      handler = h;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HttpSender', () => {
  let moduleRef: TestingModule;
  let sender: HttpSender;
  let server: Awaited<ReturnType<typeof startServer>>;
  const body = JSON.stringify({ type: 'sanction.issued', record: { name: '河源' } });

  beforeAll(async () => {
    moduleRef = await compileSender([]);
    sender = moduleRef.get(HttpSender);
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
    await moduleRef.close();
  });

  it('posts the exact body as JSON with the given headers and reports a 200', async () => {
    server.on((_req, res) => res.end('thanks'));
    const result = await sender.send(server.url, body, { 'webhook-id': 'd-1' }, 5000);
    expect(result.outcome).toEqual({ kind: 'response', status: 200 });
    expect(result.snippet).toBe('thanks');
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const last = server.seen.at(-1)!;
    expect(last.body).toBe(body);
    expect(last.headers['content-type']).toBe('application/json');
    expect(last.headers['webhook-id']).toBe('d-1');
  });

  it('reuses the connection for the next push', async () => {
    server.on((_req, res) => res.end());
    const before = server.sockets.size;
    for (let i = 0; i < 3; i++) await sender.send(server.url, body, {}, 5000);
    expect(server.sockets.size - before).toBeLessThanOrEqual(1);
  });

  it('returns error statuses and Retry-After as outcomes', async () => {
    server.on((_req, res) => res.writeHead(503, { 'retry-after': '120' }).end('busy'));
    const result = await sender.send(server.url, body, {}, 5000);
    expect(result.outcome).toEqual({ kind: 'response', status: 503, retryAfter: '120' });
    expect(result.snippet).toBe('busy');
  });

  it('does not follow redirects', async () => {
    server.on((_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end());
    expect((await sender.send(server.url, body, {}, 5000)).outcome).toEqual({ kind: 'response', status: 302 });
  });

  it('aborts a request that gets no answer in time', async () => {
    server.on(() => undefined);
    const closedBefore = server.closed.length;
    const result = await sender.send(server.url, body, {}, 300);
    expect(result.outcome).toEqual({ kind: 'timeout' });
    expect(result.snippet).toBeNull();
    expect(result.durationMs).toBeLessThan(5000);
    await until(() => server.closed.length > closedBefore); // the socket was really closed, not left hanging
  });

  it('keeps the status when the body stalls after the headers', async () => {
    server.on((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const result = await sender.send(server.url, body, {}, 300);
    expect(result.outcome).toEqual({ kind: 'response', status: 200 });
    expect(result.snippet).toBe('partial');
  });

  it('reports a refused connection as a network error', async () => {
    const result = await sender.send(`http://127.0.0.1:${await freePort()}/hook`, body, {}, 5000);
    expect(result.outcome).toMatchObject({ kind: 'network', error: expect.stringContaining('ECONNREFUSED') });
    expect(result.snippet).toBeNull();
  });

  it('reports a name that does not resolve as a network error, to be retried', async () => {
    // .invalid never resolves (RFC 6761), whatever the resolver.
    const result = await sender.send('https://gateway-test.invalid/hook', body, {}, 5000);
    expect(result.outcome).toMatchObject({ kind: 'network', error: expect.stringMatching(/ENOTFOUND|EAI_AGAIN/) });
  });

  it('reports a malformed URL as a network error instead of throwing', async () => {
    expect((await sender.send('not a url', body, {}, 5000)).outcome.kind).toBe('network');
  });

  it('keeps only the first 2048 characters of a big answer', async () => {
    server.on((_req, res) => res.end('é'.repeat(300_000)));
    const result = await sender.send(server.url, body, {}, 5000);
    expect(result.outcome).toEqual({ kind: 'response', status: 200 });
    expect(result.snippet).toBe('é'.repeat(2048));
  });

  it('drops NUL characters, which PostgreSQL text cannot store', async () => {
    server.on((_req, res) => res.end('a\u0000b'));
    expect((await sender.send(server.url, body, {}, 5000)).snippet).toBe('ab');
  });

  it('refuses at connect time a host that resolves to an internal address, unless it is allowed', async () => {
    server.on((_req, res) => res.end('ok'));
    const viaName = server.url.replace('127.0.0.1', 'localhost');
    const refused = await sender.send(viaName, body, {}, 5000);
    expect(refused.outcome).toMatchObject({ kind: 'refused', error: expect.stringMatching(/^EADDRBLOCKED: localhost resolves to .*loopback address$/) });
    const allowing = await compileSender(['localhost']);
    try {
      expect((await allowing.get(HttpSender).send(viaName, body, {}, 5000)).outcome).toEqual({ kind: 'response', status: 200 });
    } finally {
      await allowing.close();
    }
  });
});
