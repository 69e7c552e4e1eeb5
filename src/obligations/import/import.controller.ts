import { Body, Controller, Headers, Post, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { IdempotencyInterceptor } from '../../common/idempotency/idempotency.interceptor';
import { CurrentPrincipal, Roles } from '../../principals/auth.decorators';
import type { Principal } from '../../principals/principal';
import { ImportResultDto } from './import.dto';
import { ObligationImportService } from './import.service';

@ApiTags('obligations')
@ApiBearerAuth()
@Controller('v1')
export class ObligationImportController {
  constructor(private readonly imports: ObligationImportService) {}

  /**
   * Bulk intake of obligations from CSV (English or Chinese headers) or NDJSON, all or nothing: a bad file
   * gets 400 listing every bad line as {line, field, message}. 201 when anything was created, 200 when every
   * row repeated a case already stored.
   */
  // Fastify reads "::" as a literal colon, so this is POST /v1/obligations:import.
  @Post('obligations::import')
  @Roles('department')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiConsumes('text/csv', 'application/x-ndjson')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Replays the first answer for a repeated key' })
  async import(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportResultDto> {
    const { result, created } = await this.imports.import(body, contentType, principal);
    reply.status(created ? 201 : 200);
    return result;
  }
}
