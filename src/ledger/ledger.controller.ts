import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../principals/auth.decorators';
import { LedgerHeadDto, LedgerPageDto, LedgerPageQueryDto } from './ledger.dto';
import { LedgerService } from './ledger.service';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  /** Entries after `afterSeq`, in order; `nextAfterSeq` is null on the last page. */
  @Get()
  @Roles('operator', 'department', 'agency')
  @ApiOkResponse({ type: LedgerPageDto, description: 'One page of ledger entries' })
  page(@Query() query: LedgerPageQueryDto) {
    return this.ledger.page(query.afterSeq ?? 0, query.limit ?? 1000);
  }

  /** The last entry with a JWS (typ ledger-head+jws) over its canonical JSON. */
  @Get('head')
  @Roles('operator', 'department', 'agency')
  @ApiOkResponse({ type: LedgerHeadDto, description: 'The signed head of the chain' })
  head() {
    return this.ledger.head();
  }
}
