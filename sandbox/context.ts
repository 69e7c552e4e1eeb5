import { ServerResponse, STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxConfig } from './config';
import { Fault, FaultBoard } from './faults';
import type { JwksClient } from './jwks';

/** What every route module shares. */
export interface SandboxContext {
  config: SandboxConfig;
  faults: FaultBoard;
  jwks: JwksClient;
  now(): Date;
  /** Requests a timeout fault left unanswered, ended when the sandbox closes. */
  hung: Set<ServerResponse>;
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
