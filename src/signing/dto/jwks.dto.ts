export class PublicJwkDto {
  /** Always `OKP`. */
  kty: string;
  /** Always `Ed25519`. */
  crv: string;
  /** The public key, base64url. */
  x: string;
  /** Key id; JWS headers name it. */
  kid: string;
  /** Always `EdDSA`. */
  alg: string;
  /** Always `sig`. */
  use: string;
  /** Revoked keys only: when the key was compromised (ISO 8601); what it signed from then on is refused. */
  revokedAt?: string;
  /** Revoked keys only: when the key was registered (NumericDate, informational). */
  nbf?: number;
  /** Revoked keys only: the revocation instant (NumericDate, seconds rounded down). */
  exp?: number;
}

export class JwksDto {
  /** Every instance's public keys: those that sign now and every earlier one. */
  keys: PublicJwkDto[];
}
