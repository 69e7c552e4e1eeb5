import { Injectable } from '@nestjs/common';
import { sign } from 'node:crypto';
import { promisify } from 'node:util';
import { CompactSign } from 'jose';
import { canonicalJson } from './canonical';
import { KeyStore, PublicJwk, SigningKey } from './key-store';

export const RECORD_JWS_TYP = 'sanction-record+jws';
export const LEDGER_HEAD_JWS_TYP = 'ledger-head+jws';

const signAsync = promisify(sign);
/** Signatures queued on the thread pool at once: enough to keep every core busy, few enough to bound memory. */
const WINDOW = 256;

/** Signs records and ledger heads with the active Ed25519 key (DESIGN section 5) and publishes every key. */
@Injectable()
export class SigningService {
  constructor(private readonly keys: KeyStore) {}

  signRecord(record: object): Promise<string> {
    return this.signJson(record, RECORD_JWS_TYP);
  }

  /**
   * The same compact JWS as signRecord (Ed25519 is deterministic, so byte for byte), without jose's per-call
   * key checks: the header is encoded once, and signatures run on libuv's thread pool while the next payloads
   * are canonicalised, so a large batch uses every core and never blocks the event loop for long.
   */
  async signRecords(records: object[]): Promise<string[]> {
    await this.keys.refresh();
    const key = this.keys.active;
    const header = encodeHeader(key, RECORD_JWS_TYP);
    const out = new Array<string>(records.length);
    let inFlight: Promise<void>[] = [];
    for (let i = 0; i < records.length; i++) {
      const input = `${header}.${Buffer.from(canonicalJson(records[i]), 'utf8').toString('base64url')}`;
      const signed = signAsync(null, Buffer.from(input, 'ascii'), key.privateKey);
      inFlight.push(signed.then((sig) => void (out[i] = `${input}.${sig.toString('base64url')}`)));
      if (inFlight.length === WINDOW) {
        await Promise.all(inFlight);
        inFlight = [];
      }
    }
    await Promise.all(inFlight);
    return out;
  }

  async signJson(value: object, typ: string): Promise<string> {
    await this.keys.refresh();
    const key = this.keys.active;
    return new CompactSign(Buffer.from(canonicalJson(value), 'utf8'))
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ })
      .sign(key.privateKey);
  }

  /** Public parts only: every key ever made here stays published, so old signatures keep verifying. */
  jwks(): { keys: PublicJwk[] } {
    return { keys: this.keys.all().map((k) => ({ ...k.publicJwk })) };
  }

  /** jwks() after picking up a rotation made by another process. */
  async currentJwks(): Promise<{ keys: PublicJwk[] }> {
    await this.keys.refresh();
    return this.jwks();
  }

  async rotate(): Promise<{ kid: string }> {
    return { kid: (await this.keys.rotate()).kid };
  }

  activeKid(): string {
    return this.keys.active.kid;
  }
}

function encodeHeader(key: SigningKey, typ: string): string {
  return Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: key.kid, typ }), 'utf8').toString('base64url');
}
