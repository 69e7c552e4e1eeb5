import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { registerConsolePages } from './console-pages';
import { registerQueueDashboard } from './queue-dashboard';

/** Mounts the console's pages at /console and the queue dashboard at /ops/queues on the app's Fastify instance. */
export async function setupConsole(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  await registerConsolePages(fastify);
  await registerQueueDashboard(app, fastify);
}
