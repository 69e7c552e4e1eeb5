import type { FastifyInstance } from 'fastify';
import { buildBody } from '../common/http/api-error';
import { PrincipalsService } from './principals.service';

/** The API's routes: everything else (console files, health, metrics, JWKS, docs) has its own rules. */
const API_PREFIX = '/v1/';

/**
 * Authenticates API requests when they arrive, before their bodies are read: a stranger's megabyte of JSON is
 * refused unread, instead of parsed and then refused. Routes marked @Public() are left alone; the AuthGuard
 * then checks roles on the principal found here.
 */
export function authenticateEarly(fastify: FastifyInstance, principals: PrincipalsService): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions;
    if (!route.url?.startsWith(API_PREFIX) || (route.config as { public?: boolean } | undefined)?.public) return;
    const result = await principals.fromAuthorization(request.headers.authorization);
    if ('refused' in result) {
      return reply.code(401).header('content-type', 'application/json; charset=utf-8').send(buildBody(401, result.refused, undefined, 'UNAUTHENTICATED'));
    }
    (request as typeof request & { principal?: unknown }).principal = result.principal;
  });
}
