import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../principals/auth.decorators';
import { LedgerPageQueryDto } from './ledger.dto';
import { LedgerService } from './ledger.service';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  /** Entries after `afterSeq`, in order; `nextAfterSeq` is null on the last page. */
  @Get()
  @Roles('operator', 'department', 'agency')
  page(@Query() query: LedgerPageQueryDto) {
    return this.ledger.page(query.afterSeq ?? 0, query.limit ?? 1000);
  }

  /** The last entry with a JWS (typ ledger-head+jws) over its canonical JSON. */
  @Get('head')
  @Roles('operator', 'department', 'agency')
  head() {
    return this.ledger.head();
  }
}
