import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config/config.schema';
import { formatKek, Kek, parseKek } from './sealed';

/** Where a process with no SECRETS_KEK keeps the key it generated: beside its signing keys, never committed. */
export const LOCAL_KEK_FILE = 'secrets.kek';

export interface KeyRing {
  /** Seals everything new. */
  active: Kek;
  /** Every key that opens: the active one, SECRETS_PREVIOUS_KEKS, and a generated local key if there is one. */
  opening: Map<string, Buffer>;
  /** True when the active key was generated here rather than given (fine for one instance; not for several). */
  local: boolean;
}

function readLocal(dir: string): Kek | null {
  try {
    return parseKek(readFileSync(join(dir, LOCAL_KEK_FILE), 'utf8').trim());
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The local key, created on first use; two processes starting at once end up with the same one. */
function localKek(dir: string): Kek {
  const found = readLocal(dir);
  if (found) return found;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const kek = { kid: `local-${randomBytes(4).toString('hex')}`, key: randomBytes(32) };
  try {
    const fd = openSync(join(dir, LOCAL_KEK_FILE), 'wx', 0o600);
    writeSync(fd, `${formatKek(kek)}\n`);
    closeSync(fd);
    return kek;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readLocal(dir)!;
    throw e;
  }
}

export function keyRing(config: Pick<AppConfig, 'secrets' | 'signing'>, options: { create: boolean } = { create: true }): KeyRing | null {
  const given = config.secrets.kek ? parseKek(config.secrets.kek) : null;
  const local = given ? readLocal(config.signing.keyDir) : options.create ? localKek(config.signing.keyDir) : readLocal(config.signing.keyDir);
  const active = given ?? local;
  if (!active) return null;
  const opening = new Map<string, Buffer>();
  for (const k of [active, ...config.secrets.previousKeks.map(parseKek), ...(local ? [local] : [])]) if (!opening.has(k.kid)) opening.set(k.kid, k.key);
  return { active, opening, local: !given };
}
