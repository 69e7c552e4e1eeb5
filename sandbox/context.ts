import { ServerResponse, STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxConfig } from './config';
import { Fault, FaultBoard } from './faults';
import type { JwksClient } from './jwks';
import { checkWebhook, WebhookCheck } from './webhook-auth';

/** What every route module shares. */
export interface SandboxContext {
  config: SandboxConfig;
  faults: FaultBoard;
  jwks: JwksClient;
  now(): Date;
  /** Reads the gateway's time again (a simulated gateway clock may have been moved); a no-op on a fixed clock. */
  resync(): Promise<void>;
  /** Requests a timeout fault left unanswered, ended when the sandbox closes. */
  hung: Set<ServerResponse>;
}

/**
 * Standard Webhooks verification of a push against the receiver's secrets. A timestamp outside the window may
 * only mean the gateway's simulated clock moved since the last reading: the sandbox reads it again, once.
 */
export async function checkPush(ctx: SandboxContext, secrets: string[], request: FastifyRequest): Promise<WebhookCheck> {
  const check = () => checkWebhook(secrets, rawBody(request), request.headers, ctx.now(), ctx.config.webhookToleranceSeconds);
  const first = check();
  if (first.ok || !first.message.startsWith('webhook-timestamp: too')) return first;
  await ctx.resync();
  return check();
}

export function rawBody(request: FastifyRequest): string {
  return (request as FastifyRequest & { rawBody?: string }).rawBody ?? '';
}

/** The error shape of DESIGN section 6, so the gateway's HTTP client reads sandbox errors like real ones. */
export function sendError(reply: FastifyReply, statusCode: number, message: string, details?: unknown) {
  const error = STATUS_CODES[statusCode] ?? 'Error';
  return reply.code(statusCode).send(details === undefined ? { statusCode, error, message } : { statusCode, error, message, details });
}

/**
 * Applies the endpoint's request-level faults: latency, then a hang, then an error answer. Returns the fault
 * (for item-level draws) or `answered` when the request was used up.
 */
export async function injectFaults(ctx: SandboxContext, endpoint: string, reply: FastifyReply): Promise<Fault | undefined | 'answered'> {
  const fault = ctx.faults.get(endpoint);
  if (!fault) return undefined;
  const stats = ctx.faults.stats(endpoint).faults;
  if (fault.spec.latencyMs) {
    stats.delayed++;
    await new Promise((resolve) => setTimeout(resolve, fault.spec.latencyMs));
  }
  if (fault.hit('timeoutRate')) {
    stats.timeouts++;
    reply.hijack();
    ctx.hung.add(reply.raw);
    reply.raw.on('close', () => ctx.hung.delete(reply.raw));
    return 'answered';
  }
  if (fault.hit('errorRate')) {
    stats.errors++;
    sendError(reply, fault.errorStatus(), 'injected fault');
    return 'answered';
  }
  return fault;
}
