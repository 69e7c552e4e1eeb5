import { Injectable } from '@nestjs/common';
import { ValidationFailed } from '../common/http/api-error';
import { Checkpointer } from './checkpointer.service';
import { toHex } from './merkle/merkle';
import { TiledTree } from './merkle/tiled-tree';
import type { SignedCheckpoint } from './transparency.repository';

/** Audit paths kept for pushes, by tree size and seq: enough for a large sweep's records and their targets. */
const KEPT_PATHS = 20_000;

/** What a push carries to prove its record is in the log (DESIGN section 5). */
export interface Inclusion {
  checkpoint: SignedCheckpoint;
  leafIndex: number;
  auditPath: string[];
}

/** Inclusion and consistency proofs (RFC 9162 sections 2.1.3, 2.1.4), read from the stored tiles. */
@Injectable()
export class ProofsService {
  private readonly paths = new Map<string, string[]>();

  constructor(
    private readonly tree: TiledTree,
    private readonly checkpoints: Checkpointer,
  ) {}

  /** Entry `seq` (leaf seq - 1) in the tree of `treeSize` entries, the newest checkpoint's by default. */
  async inclusion(seq: number, treeSize?: number): Promise<{ seq: number; leafIndex: number; treeSize: number; auditPath: string[] }> {
    const newest = (await this.checkpoints.current()).treeSize;
    const size = treeSize ?? newest;
    if (size > newest) throw new ValidationFailed([{ field: 'treeSize', message: `must not exceed the newest checkpoint's treeSize, ${newest}` }]);
    if (seq > size) throw new ValidationFailed([{ field: 'seq', message: `must not exceed treeSize, ${size}` }]);
    return { seq, leafIndex: seq - 1, treeSize: size, auditPath: (await this.tree.inclusion(seq - 1, size)).map(toHex) };
  }

  /** PROOF(from, D[to]): that the tree of `to` entries (the newest checkpoint's by default) extends the one of `from`. */
  async consistency(from: number, to?: number): Promise<{ from: number; to: number; proof: string[] }> {
    const newest = (await this.checkpoints.current()).treeSize;
    const size = to ?? newest;
    if (size > newest) throw new ValidationFailed([{ field: 'to', message: `must not exceed the newest checkpoint's treeSize, ${newest}` }]);
    if (from > size) throw new ValidationFailed([{ field: 'from', message: `must not exceed to, ${size}` }]);
    return { from, to: size, proof: (await this.tree.consistency(from, size)).map(toHex) };
  }

  /**
   * An inclusion for each entry seq, against one checkpoint covering them all (made now if none does yet). A record
   * goes to several targets, so recent paths are kept: the same record's other pushes reuse its proof.
   */
  async forPushes(seqs: number[]): Promise<Map<number, Inclusion>> {
    if (!seqs.length) return new Map();
    const checkpoint = await this.checkpoints.covering(Math.max(...seqs));
    const key = (seq: number) => `${checkpoint.treeSize}/${seq}`;
    const missing = [...new Set(seqs.filter((seq) => !this.paths.has(key(seq))))];
    const computed = await this.tree.inclusions(missing.map((s) => s - 1), checkpoint.treeSize);
    missing.forEach((seq, i) => this.keepPath(key(seq), computed[i].map(toHex)));
    return new Map(seqs.map((seq) => [seq, { checkpoint, leafIndex: seq - 1, auditPath: this.paths.get(key(seq))! }]));
  }

  private keepPath(key: string, path: string[]): void {
    this.paths.set(key, path);
    if (this.paths.size > KEPT_PATHS) this.paths.delete(this.paths.keys().next().value!);
  }
}
