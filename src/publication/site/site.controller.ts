import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { etagOf, ifNoneMatchHits } from '../../common/http/etag';
import { Public } from '../../principals/auth.decorators';
import { PublicListQueryDto, SignedRecordDto } from '../dto/public-lists.dto';
import { PublicationService } from '../publication.service';
import { LANGS, Lang } from './site-text';

// A form submits its "any" choices and an empty search box as empty strings; on a page for the public
// they mean "no filter", not a bad request. Read from the raw query because conversion runs first.
const EmptyIsAbsent = (): PropertyDecorator =>
  Transform(({ obj, key, value }: { obj: Record<string, unknown>; key: string; value: unknown }) => (obj[key] === '' ? undefined : value));

export class SiteQueryDto extends PublicListQueryDto {
  /** zh (default) or en. */
  @IsOptional() @IsIn(LANGS) lang?: Lang;
  @EmptyIsAbsent() declare year?: number;
  @EmptyIsAbsent() declare county?: string;
  @EmptyIsAbsent() declare dimension?: PublicListQueryDto['dimension'];
  @EmptyIsAbsent() declare q?: string;
  @EmptyIsAbsent() declare state?: PublicListQueryDto['state'];
  @EmptyIsAbsent() declare method?: PublicListQueryDto['method'];
}

// Rows per page of the site: a phone scrolls through fifty comfortably.
const SITE_PAGE = 50;

@ApiTags('public lists')
@Controller()
export class SiteController {
  constructor(private readonly publication: PublicationService) {}

  /**
   * The public lists as web pages (信息公开), Chinese first (`lang=en` for English): search by name or code,
   * filters, paging, the national list fields, and for sanctions the signed record with how to verify it.
   * Self-contained (no script, font or style from elsewhere) and cached like the JSON lists (ETag, 304).
   */
  @Get('public/lists/:list')
  @Public()
  @ApiExcludeEndpoint()
  async page(
    @Param('list') list: string,
    @Query() query: SiteQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const { lang = 'zh', format: _format, limit: _limit, ...filters } = query;
    const { etag, html } = await this.publication.sitePage(list, { ...filters, limit: SITE_PAGE }, lang);
    const tag = etagOf('site', etag);
    void reply.header('etag', tag).header('cache-control', 'public, max-age=300').header('content-language', lang === 'zh' ? 'zh-CN' : 'en');
    if (ifNoneMatchHits(ifNoneMatch, tag)) {
      void reply.status(304);
      return undefined;
    }
    void reply.type('text/html; charset=utf-8');
    return html;
  }

  /** A listed record as signed, for anyone to verify offline against /.well-known/jwks.json. */
  @Get('v1/public/records/:recordId')
  @Public()
  @ApiOkResponse({ type: SignedRecordDto })
  record(@Param('recordId') recordId: string): Promise<SignedRecordDto> {
    return this.publication.signedRecord(recordId);
  }
}
