import { calculateJwkThumbprint } from 'jose';
import type { WitnessJwk } from './transparency.repository';

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A witness's public Ed25519 JWK as registered: a private key (`d`) is refused, never stored. */
export async function parseWitnessKey(name: string, jwk: Record<string, unknown>): Promise<WitnessJwk> {
  if (!NAME.test(name)) throw new Error('name: lower-case letters, digits, - and _ (at most 63)');
  if (!jwk || typeof jwk !== 'object') throw new Error('jwk: not a JSON object');
  if ('d' in jwk) throw new Error('jwk: holds a private key; give the witness\'s public key only');
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(jwk.x)) {
    throw new Error('jwk: must be an Ed25519 public key {kty: "OKP", crv: "Ed25519", x}');
  }
  const kid = typeof jwk.kid === 'string' && jwk.kid ? jwk.kid : await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'sha256');
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg: 'EdDSA', use: 'sig' };
}
