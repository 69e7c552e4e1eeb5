import { createPrivateKey, generateKeyPairSync, KeyObject, randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';

/** A JWS algorithm a key signs with. Ed25519 only, for now; another (SM2) joins by adding a KeyAlgorithm. */
export type SigningAlgorithm = 'EdDSA';

/** A published verification key: only public members (RFC 8037 OKP for Ed25519). */
export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y?: string;
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
}

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
}

/** How one algorithm makes keys and reads them back from their private JWK files. */
interface KeyAlgorithm {
  generate(): { privateKey: KeyObject; publicMembers: Record<string, string> };
  /** Null when the JWK is not a private key of this algorithm. */
  read(jwk: Record<string, unknown>): { privateKey: KeyObject; publicMembers: Record<string, string> } | null;
}

const ALGORITHMS: Record<SigningAlgorithm, KeyAlgorithm> = {
  EdDSA: {
    generate() {
      const { privateKey } = generateKeyPairSync('ed25519');
      return { privateKey, publicMembers: { kty: 'OKP', crv: 'Ed25519', x: privateKey.export({ format: 'jwk' }).x! } };
    },
    read(jwk) {
      if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || typeof jwk.x !== 'string') return null;
      const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d }, format: 'jwk' });
      return { privateKey, publicMembers: { kty: 'OKP', crv: 'Ed25519', x: jwk.x } };
    },
  },
};

const KEY_FILE = /^[A-Za-z0-9_-]+\.json$/;
const DEFAULT_ALG: SigningAlgorithm = 'EdDSA';
/** The file naming the signing key of an algorithm: `active` for Ed25519 (as it always was), `active-<alg>` for others. */
const markerFile = (alg: SigningAlgorithm) => (alg === DEFAULT_ALG ? 'active' : `active-${alg}`);

/**
 * The private keys of one instance, in its own directory: `<kid>.json` holds a private JWK (with its `alg`),
 * `active` names the key that signs. Files are written under a temporary name and renamed, so another process
 * (the CLI rotating, a parallel test) never reads half a file; the kid is the RFC 7638 thumbprint, so names
 * never clash. Private keys stay here: only their public halves go to the database (KeyRegistry).
 */
export class KeyStore {
  private keys = new Map<string, SigningKey>();
  private activeIds = new Map<SigningAlgorithm, string>();
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

  /** The key that signs with `alg` now. */
  activeKey(alg: SigningAlgorithm = DEFAULT_ALG): SigningKey {
    const kid = this.activeIds.get(alg);
    if (!kid) throw new Error(`signing keys in ${this.dir}: no ${alg} key signs`);
    return this.keys.get(kid)!;
  }

  get active(): SigningKey {
    return this.activeKey();
  }

  all(): SigningKey[] {
    return [...this.keys.values()];
  }

  /**
   * Adds a key and makes it the signing one; earlier keys stay. `beforeActivate` runs between writing the key
   * and naming it active (the caller publishes it there), so no process signs with a key not yet published.
   */
  async rotate(beforeActivate: (key: SigningKey) => Promise<void> = async () => undefined, alg: SigningAlgorithm = DEFAULT_ALG): Promise<SigningKey> {
    const key = await this.writeNewKey(alg);
    await beforeActivate(key);
    await this.atomicWrite(markerFile(alg), `${key.kid}\n`);
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
    let active = await readFile(join(this.dir, markerFile(DEFAULT_ALG)), 'utf8').then((s) => s.trim(), () => '');
    // A directory provisioned with a single key file needs no marker.
    if (!active && keys.size === 1) active = [...keys.keys()][0];
    if (!active) throw new Error(`signing keys in ${this.dir}: no "${markerFile(DEFAULT_ALG)}" file names the signing key`);
    if (!keys.has(active)) throw new Error(`signing keys in ${this.dir}: the active key "${active}" has no key file`);
    if (keys.get(active)!.alg !== DEFAULT_ALG) throw new Error(`signing keys in ${this.dir}: the active key "${active}" is not an ${DEFAULT_ALG} key`);
    this.keys = keys;
    this.activeIds = new Map([[DEFAULT_ALG, active]]);
  }

  /**
   * Two processes may find the directory empty at once: each writes a key, and the active marker is created by
   * link(), which fails if it exists, so exactly one wins; the loser removes its key before anyone signs with it.
   */
  private async createFirstKey(): Promise<void> {
    const key = await this.writeNewKey(DEFAULT_ALG);
    const tmp = this.tempName(markerFile(DEFAULT_ALG));
    await writeFile(tmp, `${key.kid}\n`, { mode: 0o600 });
    try {
      await link(tmp, join(this.dir, markerFile(DEFAULT_ALG)));
      this.createdFirstKey = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      await unlink(join(this.dir, `${key.kid}.json`)).catch(() => undefined);
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  private async writeNewKey(alg: SigningAlgorithm): Promise<SigningKey> {
    const { privateKey, publicMembers } = ALGORITHMS[alg].generate();
    const kid = await calculateJwkThumbprint(publicMembers as never, 'sha256');
    const jwk = { ...privateKey.export({ format: 'jwk' }), ...publicMembers, kid, alg, use: 'sig' };
    await this.atomicWrite(`${kid}.json`, `${JSON.stringify(jwk, null, 2)}\n`);
    return toSigningKey(kid, alg, privateKey, publicMembers);
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
      // Files written before keys carried `alg` are Ed25519.
      const alg: SigningAlgorithm = jwk.alg ?? DEFAULT_ALG;
      const read = ALGORITHMS[alg]?.read(jwk);
      if (!read) throw new Error(`not a private ${alg} JWK`);
      const kid = typeof jwk.kid === 'string' && jwk.kid ? jwk.kid : name.slice(0, -'.json'.length);
      return toSigningKey(kid, alg, read.privateKey, read.publicMembers);
    } catch (e) {
      // The message names the file, never its content.
      throw new Error(`signing key ${file}: ${(e as Error).message}`);
    }
  }

  private async keyFiles(): Promise<string[]> {
    return (await readdir(this.dir)).filter((n) => KEY_FILE.test(n)).sort();
  }

  private async markerStamp(): Promise<string> {
    const s = await stat(join(this.dir, markerFile(DEFAULT_ALG))).catch(() => null);
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

function toSigningKey(kid: string, alg: SigningAlgorithm, privateKey: KeyObject, publicMembers: Record<string, string>): SigningKey {
  const publicJwk = { ...publicMembers, kid, alg, use: 'sig' } as PublicJwk;
  return { kid, alg, privateKey, publicJwk };
}
