import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Page } from '../common/http/cursor';
import { CurrentPrincipal, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import { FeedbackDto, ListFeedbackQueryDto, RecordFeedbackQueryDto, SubmitFeedbackDto } from './dto/feedback.dto';
import { FeedbackService } from './feedback.service';

@ApiTags('feedback')
@ApiBearerAuth()
@Controller('v1')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  /** Reports what the agency did about a record (反馈): 201 when new, 200 with the stored entry when repeated. */
  @Post('feedback')
  @Roles('agency')
  async submit(@Body() dto: SubmitFeedbackDto, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<FeedbackDto> {
    const { entry, created } = await this.feedback.submit(dto, principal);
    reply.status(created ? 201 : 200);
    return entry;
  }

  /** Feedback entries, oldest first; an agency key sees only its own. */
  @Get('feedback')
  @Roles('operator', 'agency')
  list(@Query() query: ListFeedbackQueryDto, @CurrentPrincipal() principal: Principal): Promise<Page<FeedbackDto>> {
    return this.feedback.list(query, principal);
  }

  /** The feedback on one record: every entry for operators and the record's department, its own for an agency. */
  @Get('records/:recordId/feedback')
  @Roles('operator', 'department', 'agency')
  forRecord(@Param('recordId') recordId: string, @Query() query: RecordFeedbackQueryDto, @CurrentPrincipal() principal: Principal): Promise<Page<FeedbackDto>> {
    return this.feedback.forRecord(recordId, query, principal);
  }
}
