import { Controller, Get, Headers, HttpStatus, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '../common/http/api-error';
import { AppConfig } from '../config/config.schema';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../principals/auth.decorators';
import { MetricsRegistry } from './metrics.registry';

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  private readonly token: Buffer | null;

  constructor(
    private readonly registry: MetricsRegistry,
    config: AppConfig,
  ) {
    this.token = config.metrics.token ? Buffer.from(`Bearer ${config.metrics.token}`) : null;
  }

  /**
   * Prometheus text exposition; public like /health for scrapers on the operations network, unless
   * `metrics.token` is set: then the scraper sends it as `Authorization: Bearer <token>`.
   */
  @Get()
  @Public()
  scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (this.token) {
      const offered = Buffer.from(authorization ?? '');
      if (offered.length !== this.token.length || !timingSafeEqual(offered, this.token)) {
        throw new ApiError(HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED', 'authorization: the metrics token is required (metrics.token)');
      }
    }
    // Set here rather than by @Header, which would also mark a refusal's JSON as text.
    void reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return this.registry.metrics();
  }
}
