import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Page } from '../common/http/cursor';
import { CurrentPrincipal, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import {
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

  /** Registers an agency endpoint; the answer carries its `whsec_` signing secret, shown this once. */
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

  /** Changes fields; `state: disabled` stops pushes and records when and why, leaving disabled clears that. */
  @Patch(':id')
  update(@Param('id') id: string, @Body() dto: UpdateSubscriptionDto, @CurrentPrincipal() actor: Principal): Promise<SubscriptionDto> {
    return this.subscriptions.update(id, dto, actor);
  }

  /** Issues a new secret, shown this once; the previous one keeps signing beside it for the configured overlap. */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotateSecret(@Param('id') id: string, @CurrentPrincipal() actor: Principal): Promise<RotatedSecretDto> {
    return this.subscriptions.rotateSecret(id, actor);
  }
}
