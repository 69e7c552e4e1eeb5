import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJson, sha256Hex } from '../src/signing/canonical';
import { checkPush, injectFaults, sendError, SandboxContext } from './context';
import type { EndpointStats, Fault } from './faults';
import { JwksUnavailable } from './jwks';
import { ListingOrder, RECORD_ORDER, RecordStatus, RecordTable } from './record-table';

const EVENTS = ['sanction.issued', 'sanction.amended', 'sanction.revoked'];
const MAX_ITEMS = 10_000;
const DEFAULT_LIMIT = 500;
const MAX_LIMIT = 5_000;

type ItemResult = { recordId: string | null; version: number | null; status: 'accepted' | 'duplicate' | 'rejected'; reason?: string };
interface Item {
  type: string;
  record: Record<string, unknown>;
  jws: string;
  inclusion?: unknown;
}

/** The national platform's state: a summary per record and the bodies of the latest few. */
export class PlatformState {
  readonly table = new RecordTable();
  readonly bodies = new Map<string, Item>();
  listing: ListingOrder;

  constructor(
    private readonly keepBodies: number,
    private readonly configuredListing: ListingOrder = RECORD_ORDER,
  ) {
    this.listing = configuredListing;
  }

  keep(item: Item): void {
    const id = item.record.recordId as string;
    this.bodies.delete(id);
    this.bodies.set(id, item);
    if (this.bodies.size > this.keepBodies) this.bodies.delete(this.bodies.keys().next().value!);
  }

  clear(): void {
    this.table.clear();
    this.bodies.clear();
    this.listing = this.configuredListing;
  }
}

/** DESIGN section 7, under /platform and, so the gateway's default base URL works too, at the root. */
export function registerPlatform(app: FastifyInstance, ctx: SandboxContext, state: PlatformState): void {
  for (const base of ['/platform', '']) {
    // `::` is a literal colon to Fastify's router.
    app.post(`${base}/v1/records::batch`, (req, reply) => batch(ctx, state, req, reply));
    app.get(`${base}/v1/records`, (req, reply) => list(ctx, state, req, reply));
  }
}

async function authenticate(ctx: SandboxContext, req: FastifyRequest): Promise<string | null> {
  if (req.headers['x-client-id'] !== ctx.config.platform.clientId) return 'x-client-id: unknown client';
  const check = await checkPush(ctx, [ctx.config.platform.secret], req);
  return check.ok ? null : check.message;
}

async function batch(ctx: SandboxContext, state: PlatformState, req: FastifyRequest, reply: FastifyReply) {
  const stats = ctx.faults.stats('platform-batch');
  stats.requests++;
  const fault = await injectFaults(ctx, 'platform-batch', reply);
  if (fault === 'answered') return reply;
  const denied = await authenticate(ctx, req);
  if (denied) return sendError(reply, 401, denied);
  const body = req.body as { source?: unknown; items?: unknown } | undefined;
  if (!body || typeof body.source !== 'string' || !body.source) return sendError(reply, 400, 'source: required string');
  if (!Array.isArray(body.items)) return sendError(reply, 400, 'items: required list');
  if (body.items.length > MAX_ITEMS) return sendError(reply, 400, `items: at most ${MAX_ITEMS}`);

  // Every signature is checked before anything is stored, so an unreadable JWKS leaves the batch untouched.
  const verdicts: (string | null)[] = [];
  for (const item of body.items) {
    try {
      verdicts.push(await verdict(ctx, item));
    } catch (e) {
      if (e instanceof JwksUnavailable) return sendError(reply, 503, `cannot read the gateway's JWKS: ${e.message}`);
      throw e;
    }
  }
  const decision: Decision = { state, fault, injected: stats.faults, source: body.source, now: ctx.now().getTime() };
  const results = (body.items as Item[]).map((item, i) => decide(decision, item, verdicts[i]));
  for (const r of results) {
    if (r.status === 'accepted') stats.accepted++;
    else if (r.status === 'duplicate') stats.duplicates++;
    else stats.rejected++;
  }
  return reply.send({ results });
}

/** Why the item is refused, or null when its JWS signs exactly its record and its inclusion proof (when sent) holds. */
async function verdict(ctx: SandboxContext, item: unknown): Promise<string | null> {
  if (!item || typeof item !== 'object') return 'item: must be an object';
  const { type, record, jws, inclusion } = item as Partial<Item>;
  if (typeof type !== 'string' || !EVENTS.includes(type)) return `type: one of ${EVENTS.join(', ')}`;
  if (!record || typeof record !== 'object' || Array.isArray(record)) return 'record: must be an object';
  if (typeof record.recordId !== 'string' || !record.recordId) return 'record.recordId: required string';
  if (!Number.isInteger(record.version) || (record.version as number) < 1) return 'record.version: must be a positive integer';
  if (record.event !== undefined && record.event !== type) return `type: ${type} but record.event is ${String(record.event)}`;
  if (typeof jws !== 'string') return 'jws: required string';
  try {
    await ctx.jwks.verify(jws, record);
    if (inclusion !== undefined) await ctx.jwks.verifyInclusion(record, inclusion);
    return null;
  } catch (e) {
    if (e instanceof JwksUnavailable) throw e;
    return (e as Error).message;
  }
}

interface Decision {
  state: PlatformState;
  fault: Fault | undefined;
  injected: EndpointStats['faults'];
  source: string;
  now: number;
}

function decide({ state, fault, injected, source, now }: Decision, item: Item, reason: string | null): ItemResult {
  const record = item?.record;
  const recordId = typeof record?.recordId === 'string' ? record.recordId : null;
  const version = Number.isInteger(record?.version) ? (record.version as number) : null;
  if (reason) return { recordId, version, status: 'rejected', reason };
  if (fault?.hit('rejectRate')) {
    injected.rejected++;
    return { recordId, version, status: 'rejected', reason: 'injected' };
  }
  const held = state.table.versionOf(recordId!);
  if (held !== undefined && held >= version!) return { recordId, version, status: 'duplicate' };
  if (fault?.hit('forgetRate')) {
    injected.forgotten++;
    return { recordId, version, status: 'accepted' };
  }
  const status: RecordStatus = item.type === 'sanction.revoked' ? 'revoked' : 'active';
  state.table.put({ recordId: recordId!, version: version!, contentHash: sha256Hex(canonicalJson(record)), status, source, updatedAt: now });
  state.keep(item);
  return { recordId, version, status: 'accepted' };
}

async function list(ctx: SandboxContext, state: PlatformState, req: FastifyRequest, reply: FastifyReply) {
  const stats = ctx.faults.stats('platform-list');
  stats.requests++;
  const fault = await injectFaults(ctx, 'platform-list', reply);
  if (fault === 'answered') return reply;
  const denied = await authenticate(ctx, req);
  if (denied) return sendError(reply, 401, denied);
  const query = parsePageQuery(req.query as Record<string, string | undefined>);
  if (typeof query === 'string') return sendError(reply, 400, query);
  let page;
  try {
    page = state.table.page(query, state.listing);
  } catch (e) {
    return sendError(reply, 400, (e as Error).message);
  }
  stats.accepted++;
  return reply.send({
    items: page.items.map(({ recordId, version, contentHash, status }) => ({ recordId, version, contentHash, status })),
    nextCursor: page.nextCursor,
  });
}

/** The listing's query, or a message naming the bad parameter. A limit above the maximum is lowered to it. */
export function parsePageQuery(q: Record<string, string | undefined>) {
  let limit = DEFAULT_LIMIT;
  if (q.limit !== undefined && q.limit !== '') {
    if (!/^\d+$/.test(q.limit) || Number(q.limit) < 1) return 'limit: must be a positive integer';
    limit = Math.min(Number(q.limit), MAX_LIMIT);
  }
  let updatedAfter: number | undefined;
  if (q.updatedAfter) {
    updatedAfter = Date.parse(q.updatedAfter);
    if (Number.isNaN(updatedAfter)) return 'updatedAfter: must be an ISO 8601 instant';
  }
  let status: RecordStatus | undefined;
  if (q.status) {
    if (q.status !== 'active' && q.status !== 'revoked') return 'status: active or revoked';
    status = q.status;
  }
  return { limit, updatedAfter, status, source: q.source || undefined, cursor: q.cursor || undefined };
}
