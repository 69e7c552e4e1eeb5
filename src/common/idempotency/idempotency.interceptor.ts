import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import canonicalize from 'canonicalize';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, Observable, of, switchMap } from 'rxjs';
import { Clock } from '../clock';
import { ApiError, ValidationFailed } from '../http/api-error';
import { IdempotencyRepository } from './idempotency.repository';

/**
 * `Idempotency-Key`: the first successful answer to a key is stored per principal and replayed for
 * repeats of the same request; the same key with a different request is refused. Failures are not
 * stored, so a client may retry them.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: { id: string } }>();
    const reply = http.getResponse<FastifyReply>();
    const key = request.headers['idempotency-key'];
    if (key === undefined || !request.principal) return next.handle();
    if (typeof key !== 'string' || key.length < 1 || key.length > 200) {
      throw new ValidationFailed([{ field: 'Idempotency-Key', message: 'must be a single value of 1 to 200 characters' }]);
    }
    const principalId = request.principal.id;
    const route = `${request.method} ${request.routeOptions.url}`;
    const requestHash = hashRequest(route, request.params, request.body);
    return from(this.keys.find(principalId, key)).pipe(
      switchMap((stored) => {
        if (stored) {
          if (stored.requestHash !== requestHash) {
            throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key: already used for a different request');
          }
          reply.status(stored.statusCode).header('idempotent-replayed', 'true');
          return of(stored.response);
        }
        return next.handle().pipe(
          switchMap(async (response) => {
            await this.keys.save({ principalId, key, route, requestHash, statusCode: reply.statusCode, response, createdAt: this.clock.now() });
            return response;
          }),
        );
      }),
    );
  }
}

function hashRequest(route: string, params: unknown, body: unknown): string {
  const text = Buffer.isBuffer(body) || typeof body === 'string' ? body : (canonicalize(body ?? null) ?? '');
  return createHash('sha256').update(route).update('\0').update(canonicalize(params ?? {}) ?? '').update('\0').update(text).digest('hex');
}
