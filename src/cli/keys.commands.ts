import { readFile } from 'node:fs/promises';
import { Clock } from '../common/clock';
import { isInstant } from '../audit/dto/is-instant';
import { parseWitnessKey } from '../ledger/witness-key';
import { TransparencyRepository } from '../ledger/transparency.repository';
import { KeyStore } from '../signing/key-store';
import { SigningService } from '../signing/signing.service';
import type { Command } from './principal.commands';

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const given = (flag: string | undefined): flag is string => !!flag && flag !== 'true';

/** Signing keys and witnesses: commands that need the database, since every instance's public keys live there. */
export const keyCommands: Record<string, Command> = {
  /**
   * Adds a signing key in this instance's SIGNING_KEY_DIR, published in the database before it signs; prints
   * {"kid"}. A running gateway on that folder picks it up at its next signature; other instances keep theirs.
   */
  'keys:rotate': async (app) => {
    const store = app.get(KeyStore);
    print(store.createdFirstKey ? { kid: store.active.kid } : await app.get(SigningService).rotate());
  },
  /** keys:revoke <kid> [--at <instant>] [--reason <text>]: compromised from `at` (now by default); prints {kid, revokedAt}. */
  'keys:revoke': async (app, positional, flags) => {
    const kid = positional[0];
    if (!kid) throw new Error('usage: keys:revoke <kid> [--at <ISO 8601 instant with offset>] [--reason <text>]');
    if (given(flags.at) && !isInstant(flags.at)) throw new Error('at: must be an ISO 8601 instant with an offset, e.g. 2025-06-01T08:00:00+08:00');
    const at = given(flags.at) ? new Date(flags.at) : app.get(Clock).now();
    const key = await app.get(SigningService).revoke(kid, at, given(flags.reason) ? flags.reason : null);
    print({ kid: key.kid, revokedAt: key.revokedAt!.toISOString(), reason: key.revocationReason });
  },
  /** One line per published key (public members only): {kid, alg, createdAt, revokedAt}. */
  'keys:list': async (app) => {
    for (const k of await app.get(SigningService).listKeys()) {
      print({ kid: k.kid, alg: k.alg, createdAt: k.createdAt.toISOString(), revokedAt: k.revokedAt?.toISOString() ?? null });
    }
  },
  /** witness:add --name <name> --jwk <file>: registers (or replaces) a witness's Ed25519 public key; prints {name, kid}. */
  'witness:add': async (app, _, flags) => {
    if (!given(flags.name) || !given(flags.jwk)) throw new Error('usage: witness:add --name <name> --jwk <public JWK file>');
    const jwk = await parseWitnessKey(flags.name, JSON.parse(await readFile(flags.jwk, 'utf8')));
    await app.get(TransparencyRepository).saveWitness(flags.name, jwk, app.get(Clock).now());
    print({ name: flags.name, kid: jwk.kid });
  },
};

