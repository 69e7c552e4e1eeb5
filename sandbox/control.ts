import type { FastifyInstance } from 'fastify';
import { Agencies, checkSecrets, summary } from './agencies';
import { checkAgency, checkEndpoint } from './config';
import { sendError, SandboxContext } from './context';
import { checkFaultSpec, FaultSpec } from './faults';
import { checkFeedback, dayIn, FeedbackRequest, sendFeedback } from './feedback';
import { parsePageQuery, PlatformState } from './platform';
import { checkListingOrder, ListingOrder } from './record-table';

const HASH = /^[0-9a-f]{64}$/;

/** Read-back, set-up and fault switches for tests and operators; unauthenticated, as befits a sandbox. */
export function registerControl(app: FastifyInstance, ctx: SandboxContext, platform: PlatformState, agencies: Agencies, reset: () => void): void {
  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/control/stats', async () => ({
    endpoints: ctx.faults.allStats(),
    platform: { records: platform.table.size, ...platform.table.countBy() },
    agencies: Object.fromEntries(agencies.all().map((a) => [a.name, { received: a.received.size }])),
  }));

  app.post('/control/reset', async () => {
    reset();
    return { reset: true };
  });

  app.put('/control/gateway', async (req, reply) => {
    const url = (req.body as { url?: unknown } | undefined)?.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return sendError(reply, 400, 'url: an http(s) URL');
    ctx.config.gatewayUrl = url;
    ctx.jwks.setGatewayUrl(url);
    return { gatewayUrl: url };
  });

  app.get('/control/faults', async () => ctx.faults.list());
  app.put('/control/faults/:endpoint', async (req, reply) => {
    const { endpoint } = req.params as { endpoint: string };
    const problem = checkEndpoint(endpoint) ?? checkFaultSpec(req.body);
    if (problem) return sendError(reply, 400, problem);
    ctx.faults.set(endpoint, req.body as FaultSpec);
    return { endpoint, fault: req.body };
  });
  app.delete('/control/faults/:endpoint', async (req) => {
    const { endpoint } = req.params as { endpoint: string };
    return { endpoint, cleared: ctx.faults.clear(endpoint) };
  });

  app.get('/control/platform/records', async (req, reply) => {
    const query = parsePageQuery(req.query as Record<string, string | undefined>);
    if (typeof query === 'string') return sendError(reply, 400, query);
    return { ...platform.table.page(query), total: platform.table.size };
  });
  app.get('/control/platform/listing', async () => platform.listing);
  app.put('/control/platform/listing', async (req, reply) => {
    const problem = checkListingOrder(req.body);
    if (problem) return sendError(reply, 400, problem);
    const body = req.body as Partial<ListingOrder> & Pick<ListingOrder, 'order'>;
    platform.listing = { order: body.order, repeat: body.repeat ?? 0, seed: body.seed ?? 1 };
    return platform.listing;
  });
  app.get('/control/platform/records/:recordId', async (req, reply) => {
    const { recordId } = req.params as { recordId: string };
    const held = platform.table.get(recordId);
    if (!held) return sendError(reply, 404, `record ${recordId} is not held`);
    const body = platform.bodies.get(recordId);
    return body ? { ...held, type: body.type, record: body.record, jws: body.jws } : held;
  });
  app.post('/control/platform/seed', async (req, reply) => {
    const items = (req.body as { items?: unknown } | undefined)?.items;
    if (!Array.isArray(items)) return sendError(reply, 400, 'items: required list');
    const problems = items.flatMap((item, i) => {
      const p = checkSeedItem(item);
      return p ? [`items[${i}].${p}`] : [];
    });
    if (problems.length) return sendError(reply, 400, problems[0], problems.slice(0, 20));
    const now = ctx.now().getTime();
    for (const item of items as SeedItem[]) {
      const updatedAt = item.updatedAt ? Date.parse(item.updatedAt) : now;
      platform.table.put({ ...item, source: item.source ?? 'seed', updatedAt });
    }
    return { seeded: items.length, records: platform.table.size };
  });

  app.get('/control/agencies', async () => ({ items: agencies.all().map(summary) }));
  app.put('/control/agencies/:name', async (req, reply) => {
    const { name } = req.params as { name: string };
    const { domains, secrets } = (req.body ?? {}) as { domains?: unknown; secrets?: unknown };
    const problem = checkAgency(name, domains) ?? checkSecrets(secrets);
    if (problem) return sendError(reply, 400, problem);
    return summary(agencies.register(name, domains as string[], secrets as string[]));
  });
  app.get('/control/agencies/:name/received', async (req, reply) => {
    const agency = agencies.get((req.params as { name: string }).name);
    if (!agency) return sendError(reply, 404, 'no such agency');
    const items = [...agency.received.values()];
    return { items, count: items.length };
  });
  app.post('/control/agencies/:name/feedback', async (req, reply) => {
    const agency = agencies.get((req.params as { name: string }).name);
    if (!agency) return sendError(reply, 404, 'no such agency');
    const problem = checkFeedback(req.body);
    if (problem) return sendError(reply, 400, problem);
    const results = await sendFeedback(ctx.config.gatewayUrl, agency, req.body as FeedbackRequest, dayIn(ctx.now(), ctx.config.timeZone));
    return { results };
  });
}

interface SeedItem {
  recordId: string;
  version: number;
  contentHash: string;
  status: 'active' | 'revoked';
  source?: string;
  updatedAt?: string;
}

function checkSeedItem(item: unknown): string | null {
  if (!item || typeof item !== 'object') return 'item: must be an object';
  const s = item as Partial<Record<keyof SeedItem, unknown>>;
  if (typeof s.recordId !== 'string' || !s.recordId) return 'recordId: required string';
  if (!Number.isInteger(s.version) || (s.version as number) < 1) return 'version: positive integer';
  if (typeof s.contentHash !== 'string' || !HASH.test(s.contentHash)) return 'contentHash: 64 lower-case hex digits';
  if (s.status !== 'active' && s.status !== 'revoked') return 'status: active or revoked';
  if (s.source !== undefined && typeof s.source !== 'string') return 'source: must be a string';
  if (s.updatedAt !== undefined && (typeof s.updatedAt !== 'string' || Number.isNaN(Date.parse(s.updatedAt)))) return 'updatedAt: ISO 8601 instant';
  return null;
}
