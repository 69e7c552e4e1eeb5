import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { buildBody, ErrorBody } from './api-error';

/** Renders every error as {statusCode, error, message, details?}; unexpected ones are logged and hidden. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) {
      // Log lines carry no request context (see registerAccessLog), so the failure names its request itself.
      const request = host.switchToHttp().getRequest<FastifyRequest>();
      this.logger.error({
        msg: 'request failed',
        req: { id: request?.id, method: request?.method, url: request?.url },
        error: exception instanceof Error ? exception.stack : String(exception),
      });
    }
    for (const [name, value] of Object.entries(headersOf(exception))) reply.header(name, value);
    void reply.status(body.statusCode).send(body);
  }
}

export function toErrorBody(exception: unknown): ErrorBody {
  if (!(exception instanceof HttpException)) return buildBody(500, 'internal error');
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (typeof response === 'object' && response && 'statusCode' in response && 'message' in response) {
    const r = response as ErrorBody & { message: string | string[] };
    const message = Array.isArray(r.message) ? r.message.join('; ') : r.message;
    return buildBody(status, message, r.details, r.code);
  }
  // Errors raised before our handlers run (Fastify's body parsing and limits, unknown routes).
  const text = typeof response === 'string' ? response : exception.message;
  if (status === 404) return buildBody(status, text, undefined, 'ROUTE_NOT_FOUND');
  if (status === 415) return fieldError(status, 'content-type', `unsupported media type (${text})`);
  if (status === 413) return fieldError(status, 'body', 'larger than the configured size limit');
  if (status === 400) return fieldError(status, 'body', text);
  // Health's 503 carries which dependency is down; operators need that more than the generic text.
  return buildBody(status, text, typeof response === 'object' && response !== null ? response : undefined);
}

function fieldError(status: number, field: string, message: string): ErrorBody {
  return buildBody(status, `${field}: ${message}`, [{ field, message }], 'BAD_REQUEST_BODY');
}

function headersOf(exception: unknown): Record<string, string> {
  const h = (exception as { headers?: Record<string, string> })?.headers;
  return h && typeof h === 'object' ? h : {};
}
