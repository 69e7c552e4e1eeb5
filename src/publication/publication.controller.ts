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
   * The published lists, readable without a key (DESIGN section 1). Every entry names the enterprise, its
   * code, the county and department (code and configured name) and the dimension.
   *
   * - `yellow` (黄牌): obligations in stage `rectification`, which must rectify by a deadline: basis, issuedOn,
   *   deadline (the extended one when an extension was granted), whether it was extended, and whether it is
   *   overdue (the deadline day has ended in the jurisdiction's zone). `year` applies to issuedOn.
   * - `red` (红牌): obligations ordered closed: stages `exit_ordered`, `notified`, `sanctioned`, and `exited`
   *   (every exit passes an exit order, whether given after rectification failed or when the case opened).
   *   With decidedOn (null when the case opened with the exit order), the exit deadline, the stage and
   *   completedOn. `year` applies to the exit order's decidedOn, else to issuedOn.
   * - `exit` (annual exit list): obligations in stage `exited`, with the equipment or production lines and the
   *   capacity that exited (capacityExited when the department gave it, else the obligation's capacity), the
   *   method and completedOn. `year` applies to completedOn and defaults to the current year.
   * - `sanctions`: active sanction records with their measures, listedOn, publicationEndsOn and recordId.
   *   `year` applies to listedOn.
   *
   * JSON pages by `{items, nextCursor}` in date order. `format=csv` returns the whole filtered list (cursor
   * and limit do not apply) as UTF-8 with a byte order mark and Chinese headers; the exit list prints one line
   * per piece of equipment. Answers carry `Cache-Control: public, max-age=300` and an ETag; a matching
   * If-None-Match gets 304. An unknown list is 404, a bad year, county or cursor 400.
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
