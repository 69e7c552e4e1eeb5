import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { AlertsService } from '../ops/alerts/alerts.service';
import { GENESIS_HASH, ledgerEntryHash } from '../signing/canonical';
import { CHECKPOINT_JWS_TYP, SigningService } from '../signing/signing.service';
import { verifyCheckpointJws } from '../signing/verify';
import { entryLeafHash, LedgerEntry } from './ledger-entry';
import { LedgerIntegrityError } from './ledger-integrity.error';
import { LedgerRepository } from './ledger.repository';
import { fromHex, toHex, verifyConsistency } from './merkle/merkle';
import { appendLeaves, HASH_BYTES, TiledTree } from './merkle/tiled-tree';
import { SignedCheckpoint, TransparencyRepository, TreeState } from './transparency.repository';

/**
 * Integrates new ledger entries into the Merkle tree and signs checkpoints (DESIGN section 5, invariant 10):
 * every few seconds while entries arrive (on instances with the worker role), and on demand when a push needs a
 * checkpoint covering its record. Before each checkpoint, and at start-up, the stored log is checked against the
 * last signed checkpoint: the tree must reproduce its root, the entries must still end where the tree does and
 * chain on from there, and the new tree must be provably consistent with it. A mismatch halts signing, fails
 * /health with the reason and raises a `ledger.integrity` alert.
 */
@Injectable()
export class Checkpointer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(Checkpointer.name);
  private latest: SignedCheckpoint | null = null;
  /** The largest tree size this process has seen signed: the database's newest checkpoint must never be smaller. */
  private highestSeen = 0;
  private running: Promise<SignedCheckpoint> | null = null;
  private next: Promise<SignedCheckpoint> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly store: TransparencyRepository,
    private readonly ledger: LedgerRepository,
    private readonly tree: TiledTree,
    private readonly signing: SigningService,
    private readonly alerts: AlertsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A mismatch halts signing but lets the instance serve (and report it on /health); anything else stops start-up.
    await this.dataSource.transaction((m) => this.verifyStored(m)).catch(async (e) => {
      if (!((await this.onFailure(e)) instanceof LedgerIntegrityError)) throw e;
    });
    if (this.config.runtime.roles.includes('worker')) this.startPeriodic();
  }

  /** Checkpoints every `ledger.checkpointIntervalMs` while entries arrive (worker instances do this from start-up). */
  startPeriodic(): void {
    if (!this.timer && !this.stopped) this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([this.running, this.next]);
  }

  /** The stored state every instance reports on /health: a halt set by any of them shows everywhere. */
  status(): Promise<TreeState> {
    return this.store.tree();
  }

  /** The newest signed checkpoint, making the first one if none exists yet. */
  async current(): Promise<SignedCheckpoint> {
    const latest = await this.store.latestCheckpoint();
    if (latest) return this.seen(latest);
    return this.checkpointNow();
  }

  /** A checkpoint whose tree holds entry `seq`: the newest one known, or a new one made now. */
  async covering(seq: number): Promise<SignedCheckpoint> {
    if (this.latest && this.latest.treeSize >= seq && (await this.stillValid(this.latest))) return this.latest;
    const latest = await this.store.latestCheckpoint();
    if (latest && latest.treeSize >= seq && (await this.stillValid(latest))) return this.seen(latest);
    const made = await this.checkpointNow();
    if (made.treeSize >= seq) return made;
    throw new Error(`no checkpoint covers ledger entry ${seq}: the newest covers ${made.treeSize} entries`);
  }

  /**
   * Integrates every entry committed before the call and signs a checkpoint over them. Calls made while one runs
   * share the next run, so a burst of pushes makes one checkpoint, not one each.
   */
  checkpointNow(): Promise<SignedCheckpoint> {
    if (!this.running) {
      this.running = this.integrateAll().finally(() => (this.running = null));
      return this.running;
    }
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.checkpointNow();
      });
    return this.next;
  }

  /** A checkpoint signed by a key revoked since would be refused by every verifier: it is signed again instead. */
  private async stillValid(c: SignedCheckpoint): Promise<boolean> {
    return !(await this.signing.isRevoked(kidOf(c.jws)));
  }

  /** At a fixed rate: a checkpoint that took a while does not push the next one back by as much. */
  private schedule(delayMs = this.config.ledger.checkpointIntervalMs): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      void this.tick().finally(() => this.schedule(Math.max(0, this.config.ledger.checkpointIntervalMs - (Date.now() - started))));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    try {
      const [head, latest] = [await this.ledger.headSeq(), this.latest ?? (await this.store.latestCheckpoint())];
      if (!latest || head > latest.treeSize) await this.checkpointNow();
    } catch (e) {
      // A halt was already logged and alerted by onFailure; anything else (the database away) is tried next tick.
      if (!(e instanceof LedgerIntegrityError)) this.logger.error(`checkpoint failed: ${(e as Error).message}`);
    }
  }

  private async integrateAll(): Promise<SignedCheckpoint> {
    try {
      for (;;) {
        const { checkpoint, more } = await this.dataSource.transaction((m) => this.integrateBatch(m));
        this.seen(checkpoint);
        if (!more) return checkpoint;
      }
    } catch (e) {
      // Tiles of a rolled-back batch may be cached: the next run reads the stored ones again.
      this.tree.forget();
      throw await this.onFailure(e);
    }
  }

  /** One transaction: check, integrate up to `integrateBatch` entries, sign. */
  private async integrateBatch(m: EntityManager): Promise<{ checkpoint: SignedCheckpoint; more: boolean }> {
    const { state, latest } = await this.verifyStored(m);
    if (state.haltedReason) {
      await this.store.resume(m);
      this.logger.warn(`ledger integrity: the stored log matches checkpoint ${state.size} again; checkpoint signing resumes`);
    }
    const batch = this.config.ledger.integrateBatch;
    const entries = await this.ledger.page(state.size, batch, m);
    if (!entries.length && latest && (await this.stillValid(latest))) return { checkpoint: latest, more: false };
    checkContinuation(state, entries);
    const changed = await appendLeaves(this.tree, state.size, entries.map(entryLeafHash));
    await this.store.writeTiles(m, changed);
    this.tree.remember(changed);
    const size = state.size + entries.length;
    const root = await this.tree.root(size);
    if (latest && latest.treeSize > 0) {
      const proof = await this.tree.consistency(latest.treeSize, size);
      if (!verifyConsistency(latest.treeSize, size, fromHex(latest.rootHash)!, root, proof)) {
        throw new LedgerIntegrityError(`the new tree of ${size} entries is not consistent with checkpoint ${latest.treeSize}`);
      }
    }
    const fields = { treeSize: size, rootHash: toHex(root), timestamp: this.clock.now().toISOString() };
    const checkpoint = { ...fields, jws: await this.signing.signJson(fields, CHECKPOINT_JWS_TYP) };
    await this.store.insertCheckpoint(m, checkpoint);
    await this.store.saveTree(m, { size, rootHash: fields.rootHash, lastEntryHash: entries.length ? entries[entries.length - 1].hash : state.lastEntryHash });
    return { checkpoint, more: entries.length === batch };
  }

  /**
   * The stored log against its newest signed checkpoint, in O(log n) reads: the checkpoint is genuine and no older
   * than one already seen, the tree's state is the checkpoint's, the tree reproduces its root, and the ledger
   * still holds the entry the tree ends with (so it was neither truncated nor rewritten at the edge).
   */
  private async verifyStored(m: EntityManager): Promise<{ state: TreeState; latest: SignedCheckpoint | null }> {
    const state = await this.store.lockTree(m);
    const latest = await this.store.latestCheckpoint(m);
    if (!latest) {
      if (state.size !== 0) throw new LedgerIntegrityError(`the tree holds ${state.size} entries but no checkpoint is stored`);
      if (this.highestSeen > 0) throw new LedgerIntegrityError(`checkpoint ${this.highestSeen} was signed, and now none is stored`);
      return { state, latest };
    }
    try {
      // Genuine is what counts here: a checkpoint signed by a key revoked since is still ours (and is signed again).
      const jwks = await this.signing.currentJwks();
      await verifyCheckpointJws(latest.jws, { keys: jwks.keys.map(({ revokedAt: _r, exp: _e, nbf: _n, ...k }) => k) }, latest);
    } catch (e) {
      throw new LedgerIntegrityError(`the newest stored checkpoint (${latest.treeSize}) does not verify: ${(e as Error).message}`);
    }
    if (latest.treeSize < this.highestSeen) {
      throw new LedgerIntegrityError(`checkpoint ${this.highestSeen} was signed, but the newest stored is ${latest.treeSize} (checkpoints removed)`);
    }
    if (latest.treeSize !== state.size || latest.rootHash !== state.rootHash) {
      throw new LedgerIntegrityError(`the tree's state (${state.size} entries) is not the newest checkpoint's (${latest.treeSize})`);
    }
    if (toHex(await this.tree.root(state.size)) !== latest.rootHash) {
      this.tree.forget();
      if (toHex(await this.tree.root(state.size)) !== latest.rootHash) {
        throw new LedgerIntegrityError(`the stored tree does not reproduce the root of checkpoint ${latest.treeSize}`);
      }
    }
    const head = await this.ledger.headSeq(m);
    if (head < state.size) throw new LedgerIntegrityError(`the ledger ends at entry ${head}, but checkpoint ${state.size} covers ${state.size} entries (truncated)`);
    if (state.size > 0) {
      const edge = await this.ledger.entryAt(m, state.size);
      const stored = await this.storedLeaf(state.size - 1);
      if (!edge || edge.hash !== state.lastEntryHash || ledgerEntryHash(edge) !== edge.hash || !entryLeafHash(edge).equals(stored)) {
        throw new LedgerIntegrityError(`ledger entry ${state.size} is missing or differs from the one checkpoint ${state.size} covers (rewritten)`);
      }
    }
    return { state, latest };
  }

  private async storedLeaf(index: number): Promise<Buffer> {
    const width = (index % 2 ** this.tree.height) + 1;
    const bottom = await this.tree.bottom({ level: 0, index: Math.floor(index / 2 ** this.tree.height) }, width);
    return bottom.subarray((width - 1) * HASH_BYTES, width * HASH_BYTES);
  }

  private seen(checkpoint: SignedCheckpoint): SignedCheckpoint {
    if (!this.latest || checkpoint.treeSize >= this.latest.treeSize) this.latest = checkpoint;
    this.highestSeen = Math.max(this.highestSeen, checkpoint.treeSize);
    return checkpoint;
  }

  /** A failed check halts signing (stored, so every instance's /health shows it) and alerts once per reason. */
  private async onFailure(e: unknown): Promise<unknown> {
    if (!(e instanceof LedgerIntegrityError)) return e;
    this.logger.error(`ledger integrity: ${e.message}; checkpoint signing is halted`);
    if (await this.store.halt(e.message, this.clock.now())) {
      await this.alerts.raise(null, 'ledger.integrity', 'ledger', null, { reason: e.message });
    }
    return e;
  }
}

function kidOf(jws: string): string {
  return String(JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString('utf8')).kid);
}

/** The entries read must continue the tree's: consecutive seqs, each chained to the one before and hashed right. */
function checkContinuation(state: TreeState, entries: LedgerEntry[]): void {
  let prev = { seq: state.size, hash: state.size ? state.lastEntryHash : GENESIS_HASH };
  for (const e of entries) {
    if (e.seq !== prev.seq + 1) throw new LedgerIntegrityError(`ledger entry ${prev.seq + 1} is missing (seq ${e.seq} follows ${prev.seq})`);
    if (e.prevHash !== prev.hash) throw new LedgerIntegrityError(`ledger entry ${e.seq} does not chain to entry ${prev.seq}`);
    if (ledgerEntryHash(e) !== e.hash) throw new LedgerIntegrityError(`ledger entry ${e.seq}: hash does not match its contents`);
    prev = e;
  }
}
