import { Controller, Delete, Get, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { CurrentPrincipal, Public, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import { PrincipalsService } from '../principals/principals.service';
import { ConsoleSessionDto, ConsoleSettingsDto } from './console.dto';
import { ConsoleSessions, SESSION_TTL_SECONDS, sessionCookie } from './console-sessions';

@ApiTags('console')
@Controller('v1/console')
export class ConsoleController {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly sessions: ConsoleSessions,
    private readonly principals: PrincipalsService,
  ) {}

  /** What the console needs before sign-in: the jurisdiction's time zone and code lists, and the server's time. */
  @Get('settings')
  @Public()
  settings(): ConsoleSettingsDto {
    const j = this.config.jurisdiction;
    return { jurisdiction: j.name, timeZone: j.timeZone, counties: j.counties, departments: j.departments, now: this.clock.now().toISOString() };
  }

  /**
   * Checks the key and sets the short-lived cookie the queue dashboard at /ops/queues accepts; the key
   * itself never leaves the Authorization header.
   */
  @Post('session')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles('operator')
  async open(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<ConsoleSessionDto> {
    const { token, expiresAt } = await this.sessions.issue(principal);
    void reply.header('set-cookie', sessionCookie(token, SESSION_TTL_SECONDS, reply.request.protocol === 'https'));
    void reply.header('cache-control', 'no-store');
    return { name: principal.name, role: principal.role, dashboardUntil: expiresAt.toISOString() };
  }

  /**
   * Signs out of the queue dashboard: clears the cookie, and with the operator's key also refuses, on every
   * instance, every dashboard token that principal was given so far. Without a key it only clears the cookie.
   */
  @Delete('session')
  @HttpCode(204)
  @Public()
  async close(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    void reply.header('set-cookie', sessionCookie('', 0, reply.request.protocol === 'https'));
    if (!authorization) return;
    const found = await this.principals.fromAuthorization(authorization);
    if ('principal' in found) await this.sessions.signOut(found.principal.id);
  }
}
