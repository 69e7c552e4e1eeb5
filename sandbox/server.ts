import Fastify, { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agencies, registerAgencyReceivers } from './agencies';
import { checkSandboxConfig, loadSandboxConfig, SandboxConfig } from './config';
import { SandboxContext } from './context';
import { registerControl } from './control';
import { FaultBoard } from './faults';
import { GatewayClock } from './gateway-clock';
import { JwksClient } from './jwks';
import { PlatformState, registerPlatform } from './platform';

export interface SandboxOptions extends Partial<Omit<SandboxConfig, 'platform'>> {
  platform?: Partial<SandboxConfig['platform']>;
  /**
   * The sandbox's clock for webhook timestamps, receipts and feedback dates; pass the gateway's when a test
   * fixes time. Without it the sandbox keeps the gateway's time as /health tells it (see GatewayClock).
   */
  now?: () => Date;
  /** With no `now`: how often to read the gateway's time (0: only when a push's timestamp looks off). */
  followGatewayMs?: number;
  logger?: boolean;
}

export interface Sandbox {
  url: string;
  /** The base URL to give the gateway as CREDIT_PLATFORM_URL. */
  platformUrl: string;
  app: FastifyInstance;
  config: SandboxConfig;
  platform: PlatformState;
  agencies: Agencies;
  faults: FaultBoard;
  /** The gateway usually starts after the sandbox (it needs the sandbox's URL), so its URL is set late. */
  setGatewayUrl(url: string): void;
  reset(): void;
  close(): Promise<void>;
}

const BODY_LIMIT = 64 * 1024 * 1024;

/**
 * Starts the sandbox on its own plain Fastify server. Options override sandbox/config.yaml; the environment
 * is not read here (main.ts does that), so tests get the same sandbox wherever they run.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const { now, followGatewayMs = 0, logger = false, platform: platformOptions, ...rest } = options;
  const base = loadSandboxConfig({});
  const config = checkSandboxConfig({ ...base, ...rest, platform: { ...base.platform, ...platformOptions } });
  const faults = new FaultBoard(config.faults);
  const jwks = new JwksClient(config.gatewayUrl);
  const hung = new Set<ServerResponse>();
  const gatewayClock = now ? null : new GatewayClock(() => config.gatewayUrl);
  if (gatewayClock && followGatewayMs > 0) gatewayClock.follow(followGatewayMs);
  const ctx: SandboxContext = {
    config,
    faults,
    jwks,
    now: now ?? (() => gatewayClock!.now()),
    resync: () => gatewayClock?.sync() ?? Promise.resolve(),
    hung,
  };
  const listing = config.platform.listing;
  const platform = new PlatformState(config.platform.keepBodies, listing && { order: listing.order, repeat: listing.repeat ?? 0, seed: listing.seed ?? 1 });
  const agencies = new Agencies(config.agencies);
  const reset = () => {
    platform.clear();
    agencies.clearReceipts();
    faults.restore();
  };

  // A timeout fault holds requests open; closing must not wait for them.
  const app = Fastify({ logger, bodyLimit: BODY_LIMIT, forceCloseConnections: true });
  // Signatures cover the exact bytes, so the raw text is kept next to the parsed body.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    (req as unknown as { rawBody: string }).rawBody = body as string;
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('body: not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
  registerPlatform(app, ctx, platform);
  registerAgencyReceivers(app, ctx, agencies);
  registerControl(app, ctx, platform, agencies, reset);

  await app.listen({ port: config.port, host: config.host });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  return {
    url,
    platformUrl: `${url}/platform`,
    app,
    config,
    platform,
    agencies,
    faults,
    setGatewayUrl(gatewayUrl) {
      config.gatewayUrl = gatewayUrl;
      jwks.setGatewayUrl(gatewayUrl);
    },
    reset,
    async close() {
      gatewayClock?.stop();
      for (const res of hung) res.destroy();
      await app.close();
    },
  };
}
