import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Page } from '../common/http/cursor';
import { CurrentPrincipal, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import {
  ChangedSubscriptionDto,
  CreatedSubscriptionDto,
  CreateSubscriptionDto,
  ListSubscriptionsQueryDto,
  RotatedSecretDto,
  SubscriptionDto,
  SubscriptionPageDto,
  UpdateSubscriptionDto,
} from './dto/subscription.dto';
import { SubscriptionsService } from './subscriptions.service';

// An empty role list leaves only admin: subscriptions hold signing secrets and decide where records go.
@ApiTags('subscriptions')
@ApiBearerAuth()
@Roles()
@Controller('v1/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  /**
   * Registers an agency endpoint and queues the current version of every record in force it wants; the answer
   * carries its `whsec_` signing secret, shown this once.
   */
  @Post()
  create(@Body() dto: CreateSubscriptionDto, @CurrentPrincipal() actor: Principal): Promise<CreatedSubscriptionDto> {
    return this.subscriptions.create(dto, actor);
  }

  /** Lists agency subscriptions with cursor paging; secrets are never shown again. */
  @Get()
  @ApiOkResponse({ type: SubscriptionPageDto, description: 'One page of subscriptions' })
  list(@Query() query: ListSubscriptionsQueryDto): Promise<Page<SubscriptionDto>> {
    return this.subscriptions.list(query);
  }

  /** One subscription, without its secret. */
  @Get(':id')
  get(@Param('id') id: string): Promise<SubscriptionDto> {
    return this.subscriptions.get(id);
  }

  /**
   * Changes fields; `paused` and `disabled` hold pushes until it is active again (`disabled` records when and
   * why, leaving it clears that). Widened domains or a return to `active` queue the records in force it lacks.
   */
  @Patch(':id')
  update(@Param('id') id: string, @Body() dto: UpdateSubscriptionDto, @CurrentPrincipal() actor: Principal): Promise<ChangedSubscriptionDto> {
    return this.subscriptions.update(id, dto, actor);
  }

  /** Issues a new secret, shown this once; the previous one keeps signing beside it for the configured overlap. */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotateSecret(@Param('id') id: string, @CurrentPrincipal() actor: Principal): Promise<RotatedSecretDto> {
    return this.subscriptions.rotateSecret(id, actor);
  }
}
