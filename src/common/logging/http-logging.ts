import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { LogConfig } from '../../config/config.schema';

const QUIET_PATHS = new Set(['/health', '/metrics']);

/** The process's one pino logger: Nest's logger writes through it, and so does the access log. */
export function createRootLogger(config: LogConfig): Logger {
  return pino({ level: config.level, redact: ['req.headers.authorization', 'req.headers.cookie'] });
}

/** Nest's logger interface over the root pino logger, for the time before the application's own takes over. */
export function nestLoggerOver(root: Logger): LoggerService {
  const write =
    (level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace') =>
    (message: unknown, ...rest: unknown[]) => {
      const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
      const text = message instanceof Error ? message.message : String(message);
      root[level]({ ...(context ? { context } : {}), ...(rest.length && root.isLevelEnabled('debug') ? { detail: rest } : {}) }, text);
    };
  return { log: write('info'), error: write('error'), warn: write('warn'), debug: write('debug'), verbose: write('trace'), fatal: write('fatal') };
}

/**
 * One line per answered request, from a Fastify hook. Request-scoped loggers (pino-http behind nestjs-pino)
 * keep an AsyncLocalStorage context per request, and on Node 20 that puts promise hooks on every promise in
 * the process: a third of the cost of a restriction lookup. Lines logged while handling a request therefore
 * carry their own identifiers, and the error filter names the request of every failure.
 */
export function registerAccessLog(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    if (logger.isLevelEnabled('info') && !QUIET_PATHS.has(request.url)) {
      logger.info(
        {
          req: { id: request.id, method: request.method, url: request.url, remoteAddress: request.ip },
          res: { statusCode: reply.statusCode },
          responseTime: Math.round(reply.elapsedTime),
        },
        'request completed',
      );
    }
    done();
  });
}
