import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PublicJwk, SigningAlgorithm } from './key-store';

export interface RegisteredKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: PublicJwk;
  createdAt: Date;
  revokedAt: Date | null;
  revocationReason: string | null;
}

interface KeyRow {
  kid: string;
  alg: SigningAlgorithm;
  public_jwk: PublicJwk;
  created_at: Date;
  revoked_at: Date | null;
  revocation_reason: string | null;
}

/** The public halves of every instance's signing keys (signing_keys): what every instance publishes as its JWKS. */
@Injectable()
export class KeyRegistryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Adds keys not yet known; a known kid keeps its row (and its revocation). Only public members are stored. */
  async register(keys: PublicJwk[], at: Date): Promise<void> {
    if (!keys.length) return;
    await this.dataSource.query(
      `INSERT INTO signing_keys (kid, alg, public_jwk, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], array_fill($4::timestamptz, ARRAY[cardinality($1::text[])]))
       ON CONFLICT (kid) DO NOTHING`,
      [keys.map((k) => k.kid), keys.map((k) => k.alg), keys.map((k) => JSON.stringify(publicMembers(k))), at],
    );
  }

  async list(): Promise<RegisteredKey[]> {
    const rows: KeyRow[] = await this.dataSource.query(
      `SELECT kid, alg, public_jwk, created_at, revoked_at, revocation_reason FROM signing_keys ORDER BY created_at, kid`,
    );
    return rows.map(toKey);
  }

  async find(kid: string): Promise<RegisteredKey | null> {
    const rows: KeyRow[] = await this.dataSource.query(
      `SELECT kid, alg, public_jwk, created_at, revoked_at, revocation_reason FROM signing_keys WHERE kid = $1`,
      [kid],
    );
    return rows.length ? toKey(rows[0]) : null;
  }

  /** Marks a key compromised from `at` on; a second revocation may only move the instant earlier. Null: no such key. */
  async revoke(kid: string, at: Date, reason: string | null): Promise<RegisteredKey | null> {
    const [rows]: [KeyRow[], number] = await this.dataSource.query(
      `UPDATE signing_keys SET revoked_at = LEAST(COALESCE(revoked_at, $2), $2), revocation_reason = COALESCE($3, revocation_reason)
        WHERE kid = $1
       RETURNING kid, alg, public_jwk, created_at, revoked_at, revocation_reason`,
      [kid, at, reason],
    );
    return rows.length ? toKey(rows[0]) : null;
  }
}

/** Whatever a caller passes, nothing but the public members reaches the table. */
function publicMembers(k: PublicJwk): PublicJwk {
  const { kty, crv, x, y, kid, alg, use } = k;
  return y === undefined ? { kty, crv, x, kid, alg, use } : { kty, crv, x, y, kid, alg, use };
}

function toKey(r: KeyRow): RegisteredKey {
  return { kid: r.kid, alg: r.alg, publicJwk: r.public_jwk, createdAt: r.created_at, revokedAt: r.revoked_at, revocationReason: r.revocation_reason };
}

/**
 * A key as the JWKS publishes it. A revoked key stays published with its validity window: `revokedAt` (ISO 8601,
 * exact), `nbf` (when it was registered) and `exp` (the revocation, whole seconds rounded down), NumericDates as
 * RFC 7519 defines them; RFC 7517 allows such members.
 */
export function publishedJwk(k: RegisteredKey): PublicJwk & { nbf?: number; exp?: number; revokedAt?: string } {
  if (!k.revokedAt) return { ...k.publicJwk };
  return { ...k.publicJwk, nbf: Math.floor(k.createdAt.getTime() / 1000), exp: Math.floor(k.revokedAt.getTime() / 1000), revokedAt: k.revokedAt.toISOString() };
}
