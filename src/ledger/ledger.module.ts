import { Module } from '@nestjs/common';
import { Checkpointer } from './checkpointer.service';
import { CheckpointsService } from './checkpoints.service';
import { LedgerController } from './ledger.controller';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';
import { TiledTree } from './merkle/tiled-tree';
import { ProofsService } from './proofs.service';
import { TransparencyRepository } from './transparency.repository';

/** The hash-chained ledger and the transparency log over it: Merkle tiles, signed checkpoints, proofs. */
@Module({
  controllers: [LedgerController],
  providers: [
    LedgerRepository,
    LedgerService,
    TransparencyRepository,
    // One tile cache per process, shared by the checkpointer and the proofs.
    { provide: TiledTree, useFactory: (store: TransparencyRepository) => new TiledTree((ids) => store.loadTiles(ids)), inject: [TransparencyRepository] },
    Checkpointer,
    CheckpointsService,
    ProofsService,
  ],
  exports: [LedgerService, Checkpointer, ProofsService, TransparencyRepository],
})
export class LedgerModule {}
