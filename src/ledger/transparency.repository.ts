import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryPrepared } from '../database/prepared';
import type { Checkpoint } from '../signing/verify';
import { LedgerIntegrityError } from './ledger-integrity.error';
import { TileId, tileKey } from './merkle/tiled-tree';

/** How much of the ledger the Merkle tree holds, and whether checkpoint signing is halted. */
export interface TreeState {
  size: number;
  rootHash: string;
  /** The `hash` of ledger entry `size`: the entries the tree holds end there. */
  lastEntryHash: string;
  haltedReason: string | null;
  haltedAt: Date | null;
}

export interface SignedCheckpoint extends Checkpoint {
  jws: string;
}

/** The transparency log's tables: tiles, the tree's state, checkpoints and cosignatures (all owned by the ledger). */
@Injectable()
export class TransparencyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The tree's state, locked until the caller's transaction ends: one integration at a time across instances. */
  async lockTree(m: EntityManager): Promise<TreeState> {
    return toState((await m.query(`SELECT size, root_hash, last_entry_hash, halted_reason, halted_at FROM ledger_tree WHERE id FOR UPDATE`))[0]);
  }

  async tree(): Promise<TreeState> {
    return toState((await this.dataSource.query(`SELECT size, root_hash, last_entry_hash, halted_reason, halted_at FROM ledger_tree WHERE id`))[0]);
  }

  async saveTree(m: EntityManager, s: Pick<TreeState, 'size' | 'rootHash' | 'lastEntryHash'>): Promise<void> {
    await m.query(`UPDATE ledger_tree SET size = $1, root_hash = $2, last_entry_hash = $3 WHERE id`, [
      s.size,
      s.rootHash,
      s.lastEntryHash,
    ]);
  }

  async resume(m: EntityManager): Promise<void> {
    await m.query(`UPDATE ledger_tree SET halted_reason = NULL, halted_at = NULL WHERE id`);
  }

  /** Sets the halt; true when it was not already halted for this reason (so the alert is raised once). */
  async halt(reason: string, at: Date): Promise<boolean> {
    const [, changed]: [unknown, number] = await this.dataSource.query(
      `UPDATE ledger_tree SET halted_reason = $1, halted_at = $2 WHERE id AND halted_reason IS DISTINCT FROM $1`,
      [reason, at],
    );
    return changed > 0;
  }

  async loadTiles(ids: TileId[]): Promise<Map<string, Buffer>> {
    const rows = await queryPrepared<{ level: number; idx: string; hashes: Buffer }>(
      this.dataSource,
      'ledger.tiles',
      `SELECT t.level, t.idx, t.hashes FROM unnest($1::smallint[], $2::bigint[]) AS w(level, idx)
         JOIN ledger_tiles t ON t.level = w.level AND t.idx = w.idx`,
      [ids.map((t) => t.level), ids.map((t) => t.index)],
    );
    return new Map(rows.map((r) => [tileKey({ level: r.level, index: Number(r.idx) }), r.hashes]));
  }

  /**
   * Writes tiles that grew. A stored tile is only ever replaced by a longer one that starts with it: anything
   * else means the stored tree is not the one being extended, and nothing is written.
   */
  async writeTiles(m: EntityManager, tiles: Map<string, Buffer>): Promise<void> {
    if (!tiles.size) return;
    const ids = [...tiles.keys()].map((k) => k.split('/').map(Number));
    const rows: unknown[] = await m.query(
      `INSERT INTO ledger_tiles AS t (level, idx, hashes)
       SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])
       ON CONFLICT (level, idx) DO UPDATE SET hashes = EXCLUDED.hashes
        WHERE length(EXCLUDED.hashes) >= length(t.hashes) AND substring(EXCLUDED.hashes FROM 1 FOR length(t.hashes)) = t.hashes
       RETURNING level`,
      [ids.map((i) => i[0]), ids.map((i) => i[1]), [...tiles.values()]],
    );
    if (rows.length !== tiles.size) throw new LedgerIntegrityError('a stored tile is not a prefix of the tree being extended');
  }

  /** Keeps a checkpoint; one of a size already kept (signed again after a key revocation) must have its root. */
  async insertCheckpoint(m: EntityManager, c: SignedCheckpoint): Promise<void> {
    const rows: unknown[] = await m.query(
      `INSERT INTO ledger_checkpoints AS k (tree_size, root_hash, signed_at, jws) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tree_size) DO UPDATE SET signed_at = EXCLUDED.signed_at, jws = EXCLUDED.jws WHERE k.root_hash = EXCLUDED.root_hash
       RETURNING tree_size`,
      [c.treeSize, c.rootHash, c.timestamp, c.jws],
    );
    if (rows.length !== 1) throw new LedgerIntegrityError(`a checkpoint of ${c.treeSize} entries with another root is already kept`);
  }

  async latestCheckpoint(m?: EntityManager): Promise<SignedCheckpoint | null> {
    const rows: Array<{ jws: string }> = await (m ?? this.dataSource).query(`SELECT jws FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1`);
    return rows.length ? fromJws(rows[0].jws) : null;
  }

  async checkpointAt(treeSize: number): Promise<SignedCheckpoint | null> {
    const rows: Array<{ jws: string }> = await this.dataSource.query(`SELECT jws FROM ledger_checkpoints WHERE tree_size = $1`, [treeSize]);
    return rows.length ? fromJws(rows[0].jws) : null;
  }

  async witnessKey(name: string): Promise<WitnessJwk | null> {
    const rows: Array<{ public_jwk: WitnessJwk }> = await this.dataSource.query(`SELECT public_jwk FROM ledger_witnesses WHERE name = $1`, [name]);
    return rows[0]?.public_jwk ?? null;
  }

  /** Registers a witness, or replaces its key. */
  async saveWitness(name: string, jwk: WitnessJwk, at: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ledger_witnesses (name, public_jwk, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET public_jwk = EXCLUDED.public_jwk`,
      [name, JSON.stringify(jwk), at],
    );
  }

  /** A witness's latest countersignature of a checkpoint replaces its earlier one. */
  async saveCosignature(treeSize: number, witness: string, jws: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ledger_cosignatures (tree_size, witness, jws, received_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tree_size, witness) DO UPDATE SET jws = EXCLUDED.jws, received_at = EXCLUDED.received_at`,
      [treeSize, witness, jws, at],
    );
  }

  async cosignatures(treeSize: number): Promise<Array<{ witness: string; jws: string }>> {
    return this.dataSource.query(`SELECT witness, jws FROM ledger_cosignatures WHERE tree_size = $1 ORDER BY witness`, [treeSize]);
  }
}

/** A witness's Ed25519 public key, as a JWK. */
export interface WitnessJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

/** A checkpoint exactly as signed: its fields are read back from the JWS payload. */
function fromJws(jws: string): SignedCheckpoint {
  const { treeSize, rootHash, timestamp } = JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8'));
  return { treeSize, rootHash, timestamp, jws };
}

function toState(r: { size: string; root_hash: string; last_entry_hash: string; halted_reason: string | null; halted_at: Date | null }): TreeState {
  return { size: Number(r.size), rootHash: r.root_hash, lastEntryHash: r.last_entry_hash, haltedReason: r.halted_reason, haltedAt: r.halted_at };
}
