import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import { BatchAnswerDto, BatchLookupDto, RestrictionAnswerDto } from './dto/restrictions.dto';
import { RestrictionsThrottlerGuard } from './rate-limit/restrictions-throttler.guard';
import { ifNoneMatchHits } from '../common/http/etag';
import { RestrictionsService, type Tagged } from './restrictions.service';

@ApiTags('restrictions')
@ApiBearerAuth()
// Per-principal limits (restrictions.rateLimit), counted in Redis across instances; 429 with Retry-After.
@UseGuards(RestrictionsThrottlerGuard)
@Controller('v1')
export class RestrictionsController {
  constructor(private readonly restrictions: RestrictionsService) {}

  /**
   * Whether the code is restricted in the caller's domains (an agency sees only its own; admins and operators
   * all nine). An unknown valid code is simply not restricted; an invalid one is 400. 304 when If-None-Match
   * holds the answer's ETag.
   */
  @Get('restrictions/:uscc')
  @Roles('agency', 'operator')
  @ApiOkResponse({ type: RestrictionAnswerDto })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag of an earlier answer: 304 while it still holds' })
  async lookup(
    @Param('uscc') uscc: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RestrictionAnswerDto | undefined> {
    return conditional(reply, await this.restrictions.lookup(uscc, principal), ifNoneMatch);
  }

  /**
   * Up to 1,000 codes at once, answered in request order (repeats included); 400 lists every invalid code
   * by index. The answer carries an ETag too; being a POST, it is always answered in full.
   */
  // Fastify reads "::" as a literal colon, so this is POST /v1/restrictions:batch.
  @Post('restrictions::batch')
  @HttpCode(200)
  @Roles('agency', 'operator')
  @ApiOkResponse({ type: BatchAnswerDto })
  async batch(
    @Body() dto: BatchLookupDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BatchAnswerDto | undefined> {
    return conditional(reply, await this.restrictions.batch(dto.usccs, principal), undefined);
  }
}

/**
 * The answer depends on the caller's domains, hence Vary: Authorization; no-cache makes caches revalidate,
 * which the ETag makes cheap.
 */
function conditional<T>(reply: FastifyReply, { etag, body }: Tagged<T>, ifNoneMatch: string | undefined): T | undefined {
  void reply.header('etag', etag).header('cache-control', 'private, no-cache').header('vary', 'authorization');
  if (!ifNoneMatchHits(ifNoneMatch, etag)) return body;
  void reply.status(304);
  return undefined;
}
