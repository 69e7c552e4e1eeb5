import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (subscription signing secrets, the platform secret in a config file) are sealed with a
 * key-encryption key (KEK): AES-256-GCM, a fresh 96-bit IV each time, and the KEK's id beside the ciphertext
 * so that keys can be rotated: `enc:v1:<kid>:<base64 of iv ‖ ciphertext ‖ tag>`. The purpose is bound in as
 * associated data, so a sealed value cannot be moved to another use.
 */
export const SEALED_PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KID = /^[A-Za-z0-9_.-]{1,64}$/;

export interface Kek {
  kid: string;
  key: Buffer;
}

export class SecretKeyMissing extends Error {
  constructor(readonly kid: string) {
    super(`sealed with key-encryption key "${kid}", which this process does not have (SECRETS_KEK, SECRETS_PREVIOUS_KEKS)`);
  }
}

/** `<kid>:<base64 of 32 bytes>`, as SECRETS_KEK and each entry of SECRETS_PREVIOUS_KEKS are written. */
export function parseKek(text: string): Kek {
  const at = text.indexOf(':');
  const kid = text.slice(0, at);
  const key = Buffer.from(text.slice(at + 1), 'base64');
  if (at < 1 || !KID.test(kid)) throw new Error('a key-encryption key is written <kid>:<base64 of 32 bytes>, the kid of letters, digits, _ . -');
  if (key.length !== 32) throw new Error(`key-encryption key "${kid}": must be 32 bytes (base64), not ${key.length}`);
  return { kid, key };
}

export function formatKek(kek: Kek): string {
  return `${kek.kid}:${kek.key.toString('base64')}`;
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

/** The kid a value is sealed with, or null for a value stored in clear (from before sealing). */
export function sealedWith(stored: string): string | null {
  if (!isSealed(stored)) return null;
  const rest = stored.slice(SEALED_PREFIX.length);
  return rest.slice(0, rest.indexOf(':'));
}

export function seal(plain: string, kek: Kek, purpose: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv);
  cipher.setAAD(Buffer.from(purpose));
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${SEALED_PREFIX}${kek.kid}:${Buffer.concat([iv, data, cipher.getAuthTag()]).toString('base64')}`;
}

/** The plain value; a value stored in clear is returned as it is. Throws on an unknown key or any tampering. */
export function open(stored: string, keks: ReadonlyMap<string, Buffer>, purpose: string): string {
  const kid = sealedWith(stored);
  if (kid === null) return stored;
  const key = keks.get(kid);
  if (!key) throw new SecretKeyMissing(kid);
  const raw = Buffer.from(stored.slice(SEALED_PREFIX.length + kid.length + 1), 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error(`sealed value (key "${kid}"): too short`);
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`sealed value (key "${kid}"): does not open: altered, or sealed for another use`);
  }
}
