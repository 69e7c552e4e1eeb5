import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, AppOptions } from './app.module';
import { AppConfig } from './config/config.schema';
import { ErrorFilter } from './common/http/error.filter';
import { createValidationPipe } from './common/http/validation';
import { refuseTextBodies, registerBulkContentTypes } from './common/http/content-types';
import { setupConsole } from './console/console.setup';
import { createRootLogger, nestLoggerOver, registerAccessLog } from './common/logging/http-logging';
import { authenticateEarly } from './principals/authenticate-early';
import { PrincipalsService } from './principals/principals.service';

/** Builds the HTTP application exactly as production runs it; tests call this too. */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    // A client that sends its request slowly (headers or body) holds a socket and a parser: both are bounded.
    requestTimeout: config.http.requestTimeoutMs,
    http: { headersTimeout: config.http.headersTimeoutMs },
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  const logger = options.logger ?? createRootLogger(config.log);
  // Until the application's own logger takes over, Nest writes through the same pino logger: JSON even when
  // start-up fails half-way.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, { ...options, logger }), adapter, {
    bufferLogs: true,
    logger: nestLoggerOver(logger),
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe({ maxDepth: config.http.jsonMaxDepth, maxArrayLength: config.http.jsonMaxArrayLength }));
  app.useGlobalFilters(new ErrorFilter());
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  // Fastify's own errors (body parsing, size limits) reach ErrorFilter through Nest's exception layer.
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  registerAccessLog(fastify, logger);
  authenticateEarly(fastify, app.get(PrincipalsService));
  refuseTextBodies(fastify);
  registerBulkContentTypes(fastify, config.http.importBodyLimitBytes);
  await setupConsole(app);
  if (config.http.docs) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Credit-sanction gateway')
        .setDescription('Deadlines, signed sanction records and their delivery to the national credit platform and agencies.')
        .setVersion('1')
        .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key from `npm run cli -- principal:create`' })
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  }
  return app;
}
