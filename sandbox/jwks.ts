import { decodeProtectedHeader, JSONWebKeySet } from 'jose';
import { verifyRecordInclusion } from '../src/ledger/verify-push';
import { verifyRecordJws } from '../src/signing/verify';

const REFETCH_AFTER_MS = 1000;
/** Keys are read again this often anyway, so a revocation (which adds no kid) reaches the sandbox soon. */
const MAX_AGE_MS = 5000;

/** Thrown when the gateway's JWKS cannot be read: a transient state, not a verdict on any record. */
export class JwksUnavailable extends Error {}

/**
 * The gateway's published keys, cached; fetched again when a JWS names a kid the cache lacks, which is how
 * a key rotation reaches a verifier. Concurrent misses share one fetch.
 */
export class JwksClient {
  private keys: JSONWebKeySet | null = null;
  private fetchedAt = 0;
  private pending: Promise<JSONWebKeySet> | null = null;
  /** Kids still absent after a fetch, and when: a batch signed with an unpublished key fetches once, not per item. */
  private readonly missing = new Map<string, number>();

  constructor(private gatewayUrl: string) {}

  get url(): string {
    return `${this.gatewayUrl.replace(/\/+$/, '')}/.well-known/jwks.json`;
  }

  setGatewayUrl(url: string): void {
    this.gatewayUrl = url;
    this.keys = null;
    this.missing.clear();
  }

  /** The signed record when `jws` signs exactly `record` with a key valid then; throws Error with the reason otherwise. */
  async verify(jws: string, record: unknown): Promise<Record<string, unknown>> {
    return verifyRecordJws(jws, await this.keysFor(jws), record);
  }

  /** That the pushed `inclusion` proves the record is in the gateway's transparency log; throws Error with the reason. */
  async verifyInclusion(record: Record<string, unknown>, inclusion: unknown): Promise<number> {
    const jws = (inclusion as { checkpoint?: { jws?: unknown } } | undefined)?.checkpoint?.jws;
    return verifyRecordInclusion(record, inclusion, typeof jws === 'string' ? await this.keysFor(jws) : { keys: [] });
  }

  private async keysFor(jws: string): Promise<JSONWebKeySet> {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(jws).kid;
    } catch {
      throw new Error('jws: unreadable protected header');
    }
    let keys = this.keys && Date.now() - this.fetchedAt < MAX_AGE_MS ? this.keys : await this.fetch();
    if (typeof kid === 'string' && !hasKid(keys, kid) && this.mayRefetch(kid)) {
      keys = await this.fetch();
      if (hasKid(keys, kid)) this.missing.delete(kid);
      else this.missing.set(kid, Date.now());
    }
    return keys;
  }

  private mayRefetch(kid: string): boolean {
    if (this.missing.size > 1000) this.missing.clear();
    return Date.now() - (this.missing.get(kid) ?? 0) >= REFETCH_AFTER_MS;
  }

  private fetch(): Promise<JSONWebKeySet> {
    this.pending ??= this.load().finally(() => (this.pending = null));
    return this.pending;
  }

  private async load(): Promise<JSONWebKeySet> {
    let res: Response;
    try {
      res = await fetch(this.url, { signal: AbortSignal.timeout(10_000) });
    } catch (e) {
      throw new JwksUnavailable(`${this.url}: ${(e as Error).message}`);
    }
    if (!res.ok) throw new JwksUnavailable(`${this.url}: HTTP ${res.status}`);
    const body = (await res.json().catch(() => null)) as JSONWebKeySet | null;
    if (!body || !Array.isArray(body.keys)) throw new JwksUnavailable(`${this.url}: not a JWKS`);
    this.keys = body;
    this.fetchedAt = Date.now();
    return body;
  }
}

function hasKid(keys: JSONWebKeySet, kid: string): boolean {
  return keys.keys.some((k) => k.kid === kid);
}
