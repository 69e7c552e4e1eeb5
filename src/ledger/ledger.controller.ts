import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '../principals/auth.decorators';
import { CheckpointsService } from './checkpoints.service';
import {
  CheckpointDto,
  CheckpointQueryDto,
  ConsistencyProofDto,
  ConsistencyQueryDto,
  CosignatureDto,
  CosignRequestDto,
  InclusionProofDto,
  InclusionQueryDto,
  LedgerHeadDto,
  LedgerPageDto,
  LedgerPageQueryWithRecordsDto,
} from './ledger.dto';
import { LedgerService } from './ledger.service';
import { ProofsService } from './proofs.service';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/ledger')
export class LedgerController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly checkpoints: CheckpointsService,
    private readonly proofs: ProofsService,
  ) {}

  /** Entries after `afterSeq`, in order; `nextAfterSeq` is null on the last page; `include=records` adds each record version's JWS. */
  @Get()
  @Roles('operator', 'department', 'agency')
  @ApiOkResponse({ type: LedgerPageDto, description: 'One page of ledger entries' })
  page(@Query() query: LedgerPageQueryWithRecordsDto) {
    return this.ledger.page(query.afterSeq ?? 0, query.limit ?? 1000, query.include === 'records');
  }

  /** The last entry with a JWS (typ ledger-head+jws) over its canonical JSON. */
  @Get('head')
  @Roles('operator', 'department', 'agency')
  @ApiOkResponse({ type: LedgerHeadDto, description: 'The signed head of the chain' })
  head() {
    return this.ledger.head();
  }

  /** The newest signed checkpoint of the transparency log (or the one of `treeSize`), with witnesses' cosignatures; public. */
  @Get('checkpoint')
  @Public()
  @ApiOkResponse({ type: CheckpointDto, description: 'A signed checkpoint' })
  checkpoint(@Query() query: CheckpointQueryDto) {
    return this.checkpoints.find(query.treeSize);
  }

  /** Integrates every committed entry and signs a checkpoint now (the newest one when nothing is new). */
  @Post('checkpoint')
  @HttpCode(200)
  @Roles('operator')
  @ApiOkResponse({ type: CheckpointDto, description: 'The checkpoint covering every entry committed before the call' })
  checkpointNow() {
    return this.checkpoints.now();
  }

  /** A witness countersigns a stored checkpoint with its registered key (authenticated by that signature); public. */
  @Post('checkpoint/cosignatures')
  @Public()
  @ApiCreatedResponse({ type: CosignatureDto, description: 'The cosignature as stored and published' })
  cosign(@Body() body: CosignRequestDto) {
    return this.checkpoints.cosign(body.witness, body.jws);
  }

  /** RFC 9162 audit path of entry `seq` in the tree of `treeSize` entries (the newest checkpoint's by default); public. */
  @Get('proofs/inclusion')
  @Public()
  @ApiOkResponse({ type: InclusionProofDto, description: 'An inclusion proof' })
  inclusion(@Query() query: InclusionQueryDto) {
    return this.proofs.inclusion(query.seq, query.treeSize);
  }

  /** RFC 9162 consistency proof from the tree of `from` entries to the one of `to` (the newest by default); public. */
  @Get('proofs/consistency')
  @Public()
  @ApiOkResponse({ type: ConsistencyProofDto, description: 'A consistency proof' })
  consistency(@Query() query: ConsistencyQueryDto) {
    return this.proofs.consistency(query.from, query.to);
  }
}
