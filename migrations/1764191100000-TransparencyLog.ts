import { MigrationInterface, QueryRunner } from 'typeorm';

export class TransparencyLog1764191100000 implements MigrationInterface {
  name = 'TransparencyLog1764191100000';

  async up(q: QueryRunner): Promise<void> {
    // The public half of every signing key any instance ever used; the private half never leaves its instance's
    // key folder. Every instance publishes this table as its JWKS, so all verify what any of them signed.
    await q.query(`
      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL,
        public_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revocation_reason text
      )`);

    // The Merkle tree over ledger_entries (RFC 9162), as tiles of 256 hashes that only grow.
    await q.query(`
      CREATE TABLE ledger_tiles (
        level smallint NOT NULL,
        idx bigint NOT NULL,
        hashes bytea NOT NULL CHECK (length(hashes) BETWEEN 32 AND 8192 AND length(hashes) % 32 = 0),
        PRIMARY KEY (level, idx)
      )`);
    // Hashes do not compress: storing them as they are spares every write a futile compression attempt.
    await q.query(`ALTER TABLE ledger_tiles ALTER COLUMN hashes SET STORAGE EXTERNAL`);

    // One row: how much of the ledger the tree holds. The checkpointer locks it, so one integrates at a time;
    // halted_reason is set when the stored log no longer matches its last signed checkpoint.
    await q.query(`
      CREATE TABLE ledger_tree (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        size bigint NOT NULL,
        root_hash char(64) NOT NULL,
        last_entry_hash char(64) NOT NULL,
        halted_reason text,
        halted_at timestamptz
      )`);
    await q.query(`INSERT INTO ledger_tree (size, root_hash, last_entry_hash) VALUES (0, encode(sha256(''), 'hex'), repeat('0', 64))`);

    // Every signed checkpoint is kept, so any earlier one can be proven consistent with the present.
    await q.query(`
      CREATE TABLE ledger_checkpoints (
        tree_size bigint PRIMARY KEY,
        root_hash char(64) NOT NULL,
        signed_at timestamptz NOT NULL,
        jws text NOT NULL
      )`);

    // Witnesses (another body: the province, the platform) countersign checkpoints with their own keys.
    await q.query(`
      CREATE TABLE ledger_witnesses (
        name text PRIMARY KEY,
        public_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE ledger_cosignatures (
        tree_size bigint NOT NULL REFERENCES ledger_checkpoints (tree_size),
        witness text NOT NULL REFERENCES ledger_witnesses (name),
        jws text NOT NULL,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (tree_size, witness)
      )`);

    // Raised when the stored log stops matching its last signed checkpoint.
    await q.query(`
      ALTER TABLE ops_alerts DROP CONSTRAINT ops_alerts_kind_check,
        ADD CONSTRAINT ops_alerts_kind_check
        CHECK (kind IN ('delivery.failing', 'delivery.exhausted', 'delivery.recovered', 'subscription.disabled', 'ledger.integrity'))`);
  }

  async down(): Promise<void> {
    throw new Error('migrations are forward-only');
  }
}
