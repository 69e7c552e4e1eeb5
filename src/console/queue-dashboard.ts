import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastify } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { buildBody } from '../common/http/api-error';
import { DELIVERIES_QUEUE, OPS_QUEUE } from '../queue/queue.constants';
import { ConsoleSessions, DASHBOARD_PATH, readCookie, SESSION_COOKIE } from './console-sessions';
import { serveDashboardFonts } from './dashboard-fonts';

/**
 * The BullMQ dashboard, read-only: retrying or removing a queue job there would change work behind the
 * audit trail's back, and PostgreSQL, not the queue, decides what is sent. Operators replay deliveries
 * through the console, which calls the audited ops API.
 */
export async function registerQueueDashboard(app: NestFastifyApplication, fastify: FastifyInstance): Promise<void> {
  const sessions = app.get(ConsoleSessions);
  const queues = [DELIVERIES_QUEUE, OPS_QUEUE].map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name)), { readOnlyMode: true }));
  const board = new BullBoardFastify().setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues, serverAdapter: board, options: { uiConfig: { boardTitle: 'Gateway queues' } } });

  await fastify.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return reply.code(405).send(buildBody(405, 'the queue dashboard is read-only; act through the console'));
      }
      if (!(await sessions.verify(readCookie(request.headers.cookie, SESSION_COOKIE)))) {
        return reply
          .code(401)
          .header('cache-control', 'no-store')
          .send(buildBody(401, 'sign in at /console to open the queue dashboard', undefined, 'UNAUTHENTICATED'));
      }
    });
    serveDashboardFonts(scope, DASHBOARD_PATH);
    await scope.register(board.registerPlugin(), { prefix: DASHBOARD_PATH });
  });
}
