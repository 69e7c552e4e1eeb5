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
}

export class JwksDto {
  /** Every published key: the one that signs now and every earlier one. */
  keys: PublicJwkDto[];
}
