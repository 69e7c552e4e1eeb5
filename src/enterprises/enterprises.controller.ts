import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Page } from '../common/http/cursor';
import { CurrentPrincipal, Roles } from '../principals/auth.decorators';
import type { Principal } from '../principals/principal';
import { CreateEnterpriseDto, EnterpriseDto, EnterpriseEventDto, EnterpriseHistoryDto, EnterprisePageDto, ListEnterprisesQueryDto } from './dto/enterprise.dto';
import { EnterprisesService } from './enterprises.service';

@ApiTags('enterprises')
@ApiBearerAuth()
@Controller('v1/enterprises')
export class EnterprisesController {
  constructor(private readonly enterprises: EnterprisesService) {}

  /**
   * Registers an enterprise (201), or answers a known one (200): an idempotent upsert. Changing a known
   * enterprise's name, county or industry is for admins and the departments that keep the register
   * (`enterprises.masterDataDepartments`, 403 for others), and every change goes into its history.
   */
  @Post()
  @Roles('department')
  async register(
    @Body() dto: CreateEnterpriseDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EnterpriseDto> {
    const { enterprise, created } = await this.enterprises.register(dto, principal);
    reply.status(created ? 201 : 200);
    return enterprise;
  }

  /** Lists enterprises; `quality=org_code_mismatch` gives the data-quality report. */
  @Get()
  @Roles('department', 'operator')
  @ApiOkResponse({ type: EnterprisePageDto, description: 'One page of enterprises' })
  list(@Query() query: ListEnterprisesQueryDto, @CurrentPrincipal() principal: Principal): Promise<Page<EnterpriseDto>> {
    return this.enterprises.list(query, principal);
  }

  /** Every registration and change of the enterprise's name, county or industry, with who made it and when. */
  @Get(':uscc/history')
  @Roles('department', 'operator')
  @ApiOkResponse({ type: EnterpriseHistoryDto, description: 'The register\'s history, oldest first' })
  history(@Param('uscc') uscc: string): Promise<{ items: EnterpriseEventDto[] }> {
    return this.enterprises.history(uscc);
  }

  /** One enterprise by its unified social credit code; 404 when it is not registered. */
  @Get(':uscc')
  @Roles('department', 'operator', 'agency')
  get(@Param('uscc') uscc: string): Promise<EnterpriseDto> {
    return this.enterprises.get(uscc);
  }
}
