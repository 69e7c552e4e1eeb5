import { createPrivateKey, generateKeyPairSync, KeyObject, randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';

/** A published verification key (RFC 8037 OKP). */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
}

const ACTIVE = 'active';
const KEY_FILE = /^[A-Za-z0-9_-]+\.json$/;

/**
 * Ed25519 keys in one directory: `<kid>.json` holds a private JWK, `active` names the key that signs.
 * Files are written under a temporary name and renamed, so another process (a second instance, a parallel
 * test, the CLI rotating) never reads half a file; the kid is the RFC 7638 thumbprint, so names never clash.
 */
export class KeyStore {
  private keys = new Map<string, SigningKey>();
  private activeId = '';
  private marker = '';
  /** Whether this process made the directory's first key (so a rotation right after would add a needless one). */
  createdFirstKey = false;

  private constructor(readonly dir: string) {}

  /** Loads the directory, creating it and a first key when it holds none. */
  static async open(dir: string): Promise<KeyStore> {
    const store = new KeyStore(dir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await store.load();
    return store;
  }

  get active(): SigningKey {
    return this.keys.get(this.activeId)!;
  }

  all(): SigningKey[] {
    return [...this.keys.values()];
  }

  /** Adds a key and makes it the signing one; earlier keys stay published. */
  async rotate(): Promise<SigningKey> {
    const key = await this.writeNewKey();
    await this.atomicWrite(ACTIVE, `${key.kid}\n`);
    await this.load();
    return key;
  }

  /** Re-reads the directory when another process changed the active marker (a rotation elsewhere). */
  async refresh(): Promise<void> {
    if ((await this.markerStamp()) !== this.marker) await this.load();
  }

  private async load(): Promise<void> {
    let names = await this.keyFiles();
    if (!names.length) {
      await this.createFirstKey();
      names = await this.keyFiles();
    }
    this.marker = await this.markerStamp();
    const keys = new Map<string, SigningKey>();
    for (const name of names) {
      const key = await this.readKey(name);
      if (key) keys.set(key.kid, key);
    }
    let active = await readFile(join(this.dir, ACTIVE), 'utf8').then((s) => s.trim(), () => '');
    // A directory provisioned with a single key file needs no marker.
    if (!active && keys.size === 1) active = [...keys.keys()][0];
    if (!active) throw new Error(`signing keys in ${this.dir}: no "${ACTIVE}" file names the signing key`);
    if (!keys.has(active)) throw new Error(`signing keys in ${this.dir}: the active key "${active}" has no key file`);
    this.keys = keys;
    this.activeId = active;
  }

  /**
   * Two processes may find the directory empty at once: each writes a key, and the active marker is created by
   * link(), which fails if it exists, so exactly one wins; the loser removes its key before anyone signs with it.
   */
  private async createFirstKey(): Promise<void> {
    const key = await this.writeNewKey();
    const tmp = this.tempName(ACTIVE);
    await writeFile(tmp, `${key.kid}\n`, { mode: 0o600 });
    try {
      await link(tmp, join(this.dir, ACTIVE));
      this.createdFirstKey = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      await unlink(join(this.dir, `${key.kid}.json`)).catch(() => undefined);
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  private async writeNewKey(): Promise<SigningKey> {
    const { privateKey } = generateKeyPairSync('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'sha256');
    await this.atomicWrite(`${kid}.json`, `${JSON.stringify({ ...jwk, kid, alg: 'EdDSA', use: 'sig' }, null, 2)}\n`);
    return toSigningKey(kid, privateKey, jwk.x!);
  }

  private async readKey(name: string): Promise<SigningKey | null> {
    const file = join(this.dir, name);
    // The loser of a first-key race may delete its file between readdir and here.
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (text === null) return null;
    try {
      const jwk = JSON.parse(text);
      if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || typeof jwk.x !== 'string') {
        throw new Error('not an Ed25519 private JWK');
      }
      const kid = typeof jwk.kid === 'string' && jwk.kid ? jwk.kid : name.slice(0, -'.json'.length);
      const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d }, format: 'jwk' });
      return toSigningKey(kid, privateKey, jwk.x);
    } catch (e) {
      throw new Error(`signing key ${file}: ${(e as Error).message}`);
    }
  }

  private async keyFiles(): Promise<string[]> {
    return (await readdir(this.dir)).filter((n) => KEY_FILE.test(n)).sort();
  }

  private async markerStamp(): Promise<string> {
    const s = await stat(join(this.dir, ACTIVE)).catch(() => null);
    return s ? `${s.ino}:${s.mtimeMs}:${s.size}` : '';
  }

  private async atomicWrite(name: string, content: string): Promise<void> {
    const tmp = this.tempName(name);
    await writeFile(tmp, content, { mode: 0o600 });
    await rename(tmp, join(this.dir, name));
  }

  private tempName(name: string): string {
    return join(this.dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  }
}

function toSigningKey(kid: string, privateKey: KeyObject, x: string): SigningKey {
  return { kid, privateKey, publicJwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' } };
}
