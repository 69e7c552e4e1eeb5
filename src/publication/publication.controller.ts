import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOkResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../principals/auth.decorators';
import {
  ExitListItemDto,
  PublicListPageDto,
  PublicListQueryDto,
  RedListItemDto,
  SanctionListItemDto,
  YellowListItemDto,
} from './dto/public-lists.dto';
import { sendCached } from './http-cache';
import { PublicationService } from './publication.service';

@ApiTags('public lists')
@ApiExtraModels(YellowListItemDto, RedListItemDto, ExitListItemDto, SanctionListItemDto)
@Controller('v1/public/lists')
export class PublicationController {
  constructor(private readonly publication: PublicationService) {}

  /**
   * The published lists, readable without a key (DESIGN section 1). Every entry carries the national list
   * format's fields: the enterprise (企业名称, 统一社会信用代码), county, dimension, the deciding department
   * (认定部门), the basis (认定依据), the day it was listed (列入日期) and, once it left the list, the day it
   * was removed (移出日期). `state` chooses the entries: `current` (default), `removed` or `all`.
   *
   * - `yellow` (黄牌): cases in rectification, which must rectify by a deadline; listed on the day the order was
   *   issued, removed on the day they were rectified or ordered to exit. With the deadline (the extended one
   *   when extended) and whether it is overdue.
   * - `red` (红牌): cases closed by law (exit by `closed`) after an exit order, listed on the day of closure;
   *   nobody leaves it. With the exit order's date (null when the case opened with it) and the exit deadline.
   * - `exit` (annual exit list): exited cases, listed on the day exit was completed, with the equipment or
   *   production lines and the capacity that exited (capacityExited when the department gave it, else the
   *   case's), the method, and for sealed capacity its time limit for dismantling and the day it was
   *   dismantled; `method` filters by method. `year` defaults to the current year.
   * - `sanctions`: sanction records with the name they were signed with, their measures, status, listing day,
   *   publicationEndsOn, and for revoked ones the day of revocation as removedOn.
   *
   * `year` applies to the listing day. JSON pages by `{items, nextCursor}` in listing order. `format=csv`
   * returns the whole filtered list (cursor and limit do not apply) as UTF-8 with a byte order mark and Chinese
   * headers; the exit list prints one line per piece of equipment. Answers carry
   * `Cache-Control: public, max-age=300` and an ETag; a matching If-None-Match gets 304. An unknown list is 404,
   * a bad year, county, state, method or cursor 400.
   */
  @Get(':list')
  @Public()
  @ApiParam({ name: 'list', enum: ['yellow', 'red', 'exit', 'sanctions'] })
  @ApiOkResponse({ type: PublicListPageDto, description: 'One page of the list as JSON, or the whole list as CSV with format=csv' })
  @ApiProduces('application/json', 'text/csv')
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag of an earlier answer: 304 while it still holds' })
  async list(
    @Param('list') list: string,
    @Query() query: PublicListQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendCached(reply, await this.publication.answer(list, query), ifNoneMatch);
  }
}
