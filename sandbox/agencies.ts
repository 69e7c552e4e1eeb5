import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Webhook } from 'standardwebhooks';
import type { AgencyConfig } from './config';
import { checkPush, injectFaults, sendError, SandboxContext } from './context';
import { JwksUnavailable } from './jwks';

export interface Receipt {
  webhookId: string;
  type: string | null;
  recordId: string | null;
  version: number | null;
  measures: string[];
  receivedAt: string;
  /** The JWS verified against the gateway's JWKS and signs exactly the record pushed. */
  verified: boolean;
  reason?: string;
  /** The push's `inclusion` proves the record is in the gateway's transparency log (against a signed checkpoint). */
  proven: boolean;
  proofReason?: string;
  /** How many times this webhook-id arrived; the receipt itself is kept once. */
  deliveries: number;
}

export interface Agency {
  name: string;
  path: string;
  domains: string[];
  secrets: string[];
  received: Map<string, Receipt>;
}

/** The agencies' receivers: configured ones at start, more (and their secrets) registered at run time. */
export class Agencies {
  private readonly byName = new Map<string, Agency>();

  constructor(configured: AgencyConfig[]) {
    for (const a of configured) this.register(a.name, a.domains, a.secret ? [a.secret] : [], a.path);
  }

  get(name: string): Agency | undefined {
    return this.byName.get(name);
  }

  all(): Agency[] {
    return [...this.byName.values()];
  }

  register(name: string, domains: string[], secrets: string[], path = `/agencies/${name}/webhook`): Agency {
    const existing = this.byName.get(name);
    const agency = existing ?? { name, path, domains, secrets, received: new Map() };
    agency.domains = domains;
    agency.secrets = secrets;
    this.byName.set(name, agency);
    return agency;
  }

  clearReceipts(): void {
    for (const a of this.byName.values()) a.received.clear();
  }
}

/** A problem with the secrets, or null: each must be one the reference library accepts. */
export function checkSecrets(secrets: unknown): string | null {
  if (!Array.isArray(secrets) || !secrets.every((s) => typeof s === 'string' && s.startsWith('whsec_'))) {
    return 'secrets: a list of whsec_ secrets';
  }
  try {
    for (const s of secrets) new Webhook(s);
  } catch (e) {
    return `secrets: ${(e as Error).message}`;
  }
  return null;
}

export function summary(a: Agency) {
  return { name: a.name, path: a.path, domains: a.domains, secrets: a.secrets.length, received: a.received.size };
}

export function registerAgencyReceivers(app: FastifyInstance, ctx: SandboxContext, agencies: Agencies): void {
  app.post('/agencies/:name/webhook', (req, reply) => {
    const agency = agencies.get((req.params as { name: string }).name);
    if (!agency) return sendError(reply, 404, 'no such agency');
    return receive(ctx, agency, req, reply);
  });
  // Configured paths elsewhere are fixed at start-up: Fastify takes no routes once listening.
  for (const agency of agencies.all()) {
    if (agency.path === `/agencies/${agency.name}/webhook`) continue;
    app.post(agency.path, (req, reply) => receive(ctx, agency, req, reply));
  }
}

async function receive(ctx: SandboxContext, agency: Agency, req: FastifyRequest, reply: FastifyReply) {
  const endpoint = `agency-${agency.name}`;
  const stats = ctx.faults.stats(endpoint);
  stats.requests++;
  const fault = await injectFaults(ctx, endpoint, reply);
  if (fault === 'answered') return reply;
  const check = await checkPush(ctx, agency.secrets, req);
  if (!check.ok) {
    stats.rejected++;
    return sendError(reply, check.status, check.message);
  }
  const seen = agency.received.get(check.id);
  if (seen) {
    seen.deliveries++;
    stats.duplicates++;
    return reply.send({ received: true, duplicate: true });
  }
  if (fault?.hit('forgetRate')) {
    stats.faults.forgotten++;
    stats.accepted++;
    return reply.send({ received: true, duplicate: false });
  }
  const receipt = await inspect(ctx, check.id, req.body);
  agency.received.set(check.id, receipt);
  stats.accepted++;
  return reply.send({ received: true, duplicate: false, verified: receipt.verified });
}

/** Reads the pushed body; a bad JWS is kept as unverified, with the reason, for tests to assert on. */
async function inspect(ctx: SandboxContext, webhookId: string, body: unknown): Promise<Receipt> {
  const { type, record, jws, inclusion } = (body ?? {}) as { type?: unknown; record?: Record<string, unknown>; jws?: unknown; inclusion?: unknown };
  const receipt: Receipt = {
    webhookId,
    type: typeof type === 'string' ? type : null,
    recordId: typeof record?.recordId === 'string' ? record.recordId : null,
    version: Number.isInteger(record?.version) ? (record!.version as number) : null,
    measures: Array.isArray(record?.measures) ? (record!.measures as string[]) : [],
    receivedAt: ctx.now().toISOString(),
    verified: false,
    proven: false,
    deliveries: 1,
  };
  if (typeof jws !== 'string' || !record || typeof record !== 'object') receipt.reason = 'body: needs {type, record, jws}';
  else if (record.event !== undefined && record.event !== type) receipt.reason = `type: ${String(type)} but record.event is ${String(record.event)}`;
  else {
    try {
      await ctx.jwks.verify(jws, record);
      receipt.verified = true;
    } catch (e) {
      receipt.reason = e instanceof JwksUnavailable ? `cannot read the gateway's JWKS: ${e.message}` : (e as Error).message;
    }
    try {
      await ctx.jwks.verifyInclusion(record, inclusion);
      receipt.proven = true;
    } catch (e) {
      receipt.proofReason = e instanceof JwksUnavailable ? `cannot read the gateway's JWKS: ${e.message}` : (e as Error).message;
    }
  }
  return receipt;
}
