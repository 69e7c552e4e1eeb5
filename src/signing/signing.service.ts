import { HttpStatus, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { sign } from 'node:crypto';
import { promisify } from 'node:util';
import { Clock } from '../common/clock';
import { ApiError, ValidationFailed } from '../common/http/api-error';
import { canonicalJson } from './canonical';
import { KeyRegistryRepository, publishedJwk, RegisteredKey } from './key-registry.repository';
import { KeyStore, PublicJwk, SigningKey } from './key-store';

export const RECORD_JWS_TYP = 'sanction-record+jws';
export const LEDGER_HEAD_JWS_TYP = 'ledger-head+jws';
export const CHECKPOINT_JWS_TYP = 'ledger-checkpoint+jws';

const signAsync = promisify(sign);
/** Signatures queued on the thread pool at once: enough to keep every core busy, few enough to bound memory. */
const WINDOW = 256;
const REVOCATIONS_MAX_AGE_MS = 1000;

export type Jwks = { keys: Array<PublicJwk & { nbf?: number; exp?: number; revokedAt?: string }> };

/**
 * Signs records, checkpoints and ledger heads with this instance's active Ed25519 key (DESIGN section 5) and
 * publishes every instance's public keys. A key is in the database before it signs anything, so a signature made
 * here verifies against the JWKS of every instance; a key found revoked is replaced before the next signature.
 */
@Injectable()
export class SigningService implements OnModuleInit {
  private readonly logger = new Logger(SigningService.name);
  private readonly registered = new Set<string>();
  private replacing: Promise<SigningKey> | null = null;
  private revoked: { kids: Promise<Set<string>>; at: number } | null = null;

  constructor(
    private readonly keys: KeyStore,
    private readonly registry: KeyRegistryRepository,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.publishLocalKeys();
  }

  signRecord(record: object): Promise<string> {
    return this.signJson(record, RECORD_JWS_TYP);
  }

  /**
   * Compact JWS of each record, byte for byte what signJson makes (Ed25519 is deterministic): the header is
   * encoded once, and signatures run on libuv's thread pool while the next payloads are canonicalised, so a
   * large batch uses every core and never blocks the event loop for long.
   */
  async signRecords(records: object[]): Promise<string[]> {
    return this.signMany(records, RECORD_JWS_TYP);
  }

  async signJson(value: object, typ: string): Promise<string> {
    return (await this.signMany([value], typ))[0];
  }

  /** The JWKS: every key any instance on this database registered, revoked ones with their window. */
  async currentJwks(): Promise<Jwks> {
    return { keys: (await this.registry.list()).map(publishedJwk) };
  }

  /** Adds a signing key here, published before it signs. */
  async rotate(): Promise<{ kid: string }> {
    return { kid: (await this.keys.rotate((key) => this.registry.register([key.publicJwk], this.clock.now()))).kid };
  }

  /**
   * Marks a key compromised from `at` (an instant no later than now): it stays published with the instant, and
   * verifiers refuse what it signed from then on. The instance holding it switches to a new key before its next
   * signature. Revoking again may only move the instant earlier.
   */
  async revoke(kid: string, at: Date, reason: string | null): Promise<RegisteredKey> {
    if (Number.isNaN(at.getTime())) throw new ValidationFailed([{ field: 'at', message: 'must be an ISO 8601 instant with an offset' }]);
    if (at > this.clock.now()) throw new ValidationFailed([{ field: 'at', message: `must not be later than now (${this.clock.now().toISOString()})` }]);
    const revoked = await this.registry.revoke(kid, at, reason);
    if (!revoked) throw new ApiError(HttpStatus.NOT_FOUND, 'KEY_NOT_FOUND', `kid: no signing key ${kid} is published`);
    this.revoked = null;
    return revoked;
  }

  /**
   * Whether any instance's key `kid` is revoked, from a copy of the registry at most a second old (checked on
   * every push, so a cached checkpoint signed by a key revoked since is replaced, not sent).
   */
  async isRevoked(kid: string): Promise<boolean> {
    if (!this.revoked || Date.now() - this.revoked.at > REVOCATIONS_MAX_AGE_MS) {
      const kids = this.registry.list().then((keys) => new Set(keys.filter((k) => k.revokedAt).map((k) => k.kid)));
      this.revoked = { kids, at: Date.now() };
      kids.catch(() => (this.revoked = null));
    }
    return (await this.revoked.kids).has(kid);
  }

  listKeys(): Promise<RegisteredKey[]> {
    return this.registry.list();
  }

  activeKid(): string {
    return this.keys.active.kid;
  }

  private async signMany(values: object[], typ: string): Promise<string[]> {
    const key = await this.signingKey();
    const header = Buffer.from(JSON.stringify({ alg: key.alg, kid: key.kid, typ }), 'utf8').toString('base64url');
    const out = new Array<string>(values.length);
    let inFlight: Promise<void>[] = [];
    for (let i = 0; i < values.length; i++) {
      const input = `${header}.${Buffer.from(canonicalJson(values[i]), 'utf8').toString('base64url')}`;
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

  /** The active key after picking up a rotation made elsewhere (the CLI), published, and not revoked. */
  private async signingKey(): Promise<SigningKey> {
    await this.keys.refresh();
    await this.publishLocalKeys();
    const key = this.keys.active;
    const registered = await this.registry.find(key.kid);
    if (!registered?.revokedAt) return key;
    this.replacing ??= this.replaceRevoked(key.kid).finally(() => (this.replacing = null));
    return this.replacing;
  }

  private async replaceRevoked(kid: string): Promise<SigningKey> {
    await this.keys.refresh();
    if (this.keys.active.kid !== kid) return this.keys.active;
    const fresh = await this.keys.rotate((key) => this.registry.register([key.publicJwk], this.clock.now()));
    this.logger.warn(`signing key ${kid} is revoked: signing with the new key ${fresh.kid} from now on`);
    this.registered.add(fresh.kid);
    return fresh;
  }

  private async publishLocalKeys(): Promise<void> {
    const fresh = this.keys.all().filter((k) => !this.registered.has(k.kid));
    if (!fresh.length) return;
    await this.registry.register(fresh.map((k) => k.publicJwk), this.clock.now());
    for (const k of fresh) this.registered.add(k.kid);
  }
}
