import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { createApp } from './app.factory';
import { DependencyUnavailable, EXIT_UNAVAILABLE, waitForDependencies } from './common/dependencies';
import { createRootLogger } from './common/logging/http-logging';
import type { AppConfig } from './config/config.schema';
import { ConfigError, loadConfig } from './config/load-config';

/** EX_CONFIG (sysexits.h). */
const EXIT_CONFIG = 78;

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  const logger = createRootLogger(config.log);
  let app: NestFastifyApplication;
  try {
    await waitForDependencies(config, { redis: true }, logger);
    app = await createApp(config, { logger, shutdownHooks: false });
    // A worker-only or scheduler-only process runs the same modules without serving HTTP.
    if (config.runtime.roles.includes('api')) {
      await app.listen(config.http.port, config.http.host);
      logger.info({ msg: 'listening', url: await app.getUrl(), roles: config.runtime.roles });
    } else {
      await app.init();
      logger.info({ msg: 'started', roles: config.runtime.roles });
    }
  } catch (e) {
    failed(logger, e);
  }
  stopOnSignals(app, logger);
}

/** One line naming what failed; the stack only at debug level. */
function failed(logger: Logger, e: unknown): never {
  if (e instanceof DependencyUnavailable) {
    logger.fatal({ msg: e.message, service: e.service, where: e.where });
    process.exit(EXIT_UNAVAILABLE);
  }
  logger.fatal({ msg: `start-up failed: ${(e as Error).message}`, ...(logger.isLevelEnabled('debug') ? { err: e } : {}) });
  process.exit(1);
}

/** SIGTERM or SIGINT drains and closes the application, then says so; a second signal stops at once. */
function stopOnSignals(app: NestFastifyApplication, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopping = true;
    logger.info({ msg: 'stopping', signal });
    app.close().then(
      () => {
        logger.info({ msg: 'stopped', signal });
        process.exit(0);
      },
      (e: Error) => {
        logger.error({ msg: `stopped with an error: ${e.message}`, signal });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
