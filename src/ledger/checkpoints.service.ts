import { HttpStatus, Injectable } from '@nestjs/common';
import { decodeProtectedHeader } from 'jose';
import { Clock } from '../common/clock';
import { ApiError } from '../common/http/api-error';
import { canonicalJson } from '../signing/canonical';
import { verifyCheckpointJws } from '../signing/verify';
import { Checkpointer } from './checkpointer.service';
import { LedgerIntegrityError } from './ledger-integrity.error';
import { SignedCheckpoint, TransparencyRepository } from './transparency.repository';

export interface PublishedCheckpoint extends SignedCheckpoint {
  cosignatures: Array<{ witness: string; jws: string }>;
}

/** Checkpoints as the API serves them, with the cosignatures witnesses added (DESIGN section 5). */
@Injectable()
export class CheckpointsService {
  constructor(
    private readonly checkpointer: Checkpointer,
    private readonly store: TransparencyRepository,
    private readonly clock: Clock,
  ) {}

  async find(treeSize?: number): Promise<PublishedCheckpoint> {
    const checkpoint = treeSize === undefined ? await this.checkpointer.current().catch(halted) : await this.store.checkpointAt(treeSize);
    if (!checkpoint) throw new ApiError(HttpStatus.NOT_FOUND, 'CHECKPOINT_NOT_FOUND', `treeSize: no checkpoint of ${treeSize} entries is stored`);
    return this.withCosignatures(checkpoint);
  }

  /** A checkpoint now; 503 naming the reason while the stored log does not match its last checkpoint. */
  async now(): Promise<PublishedCheckpoint> {
    return this.withCosignatures(await this.checkpointer.checkpointNow().catch(halted));
  }

  /**
   * Stores a witness's countersignature of a stored checkpoint. The witness is known by its registered key, so the
   * signature itself authenticates the call; what it signs must be exactly the checkpoint the gateway signed.
   */
  async cosign(witness: string, jws: string): Promise<{ witness: string; jws: string }> {
    const key = await this.store.witnessKey(witness);
    if (!key) throw new ApiError(HttpStatus.NOT_FOUND, 'WITNESS_NOT_FOUND', `witness: no witness named ${witness} is registered`);
    let signed;
    try {
      const kid = decodeProtectedHeader(jws).kid;
      signed = await verifyCheckpointJws(jws, { keys: [{ ...key, kid: typeof kid === 'string' ? kid : key.kid }] });
    } catch (e) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'COSIGNATURE_INVALID', `jws: ${(e as Error).message}`, [{ field: 'jws', message: (e as Error).message }]);
    }
    const stored = await this.store.checkpointAt(signed.treeSize);
    if (!stored) throw new ApiError(HttpStatus.NOT_FOUND, 'CHECKPOINT_NOT_FOUND', `jws: no checkpoint of ${signed.treeSize} entries is stored`);
    const fields = (c: SignedCheckpoint) => canonicalJson({ treeSize: c.treeSize, rootHash: c.rootHash, timestamp: c.timestamp });
    if (fields(stored) !== canonicalJson(signed)) {
      throw new ApiError(HttpStatus.CONFLICT, 'CHECKPOINT_MISMATCH', `jws: the witness signed a checkpoint of ${signed.treeSize} entries that is not the one stored`, {
        signed,
        stored: { treeSize: stored.treeSize, rootHash: stored.rootHash, timestamp: stored.timestamp },
      });
    }
    await this.store.saveCosignature(stored.treeSize, witness, jws, this.clock.now());
    return { witness, jws };
  }

  private async withCosignatures(c: SignedCheckpoint): Promise<PublishedCheckpoint> {
    return { ...c, cosignatures: await this.store.cosignatures(c.treeSize) };
  }
}

/** A halt is the service's state, not a fault: 503 with the reason. */
function halted(e: unknown): never {
  if (e instanceof LedgerIntegrityError) throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'LEDGER_HALTED', `checkpoint signing is halted: ${e.message}`);
  throw e;
}
