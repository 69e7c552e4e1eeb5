import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { blockedReason } from './ip-ranges';
import { normalizeHost } from './url-guard';

type Resolver = (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => void;

/** The error a push fails with when its host resolves, at connect time, to an address it may not reach. */
export const BLOCKED_ADDRESS = 'EADDRBLOCKED';

/**
 * The DNS lookup of the push agents: every address a host resolves to when a socket connects must be public,
 * unless the host is in outbound.allow. The send-time check resolves on its own, so without this a name that
 * changed its answer in between (DNS rebinding) could still reach an internal address. IP literals never get
 * here: the send-time check has judged them already.
 */
export function guardedLookup(allow: ReadonlySet<string>, resolve: Resolver = dnsLookup as Resolver): LookupFunction {
  return ((hostname: string, options: LookupOptions, callback: (...args: unknown[]) => void) => {
    resolve(hostname, options, (error, address, family) => {
      if (error || allow.has(normalizeHost(hostname))) return callback(error, address, family);
      const found = typeof address === 'string' ? [address] : address.map((a) => a.address);
      for (const one of found) {
        const why = blockedReason(one);
        if (why) return callback(Object.assign(new Error(`${hostname} resolves to ${one}, a ${why}`), { code: BLOCKED_ADDRESS }));
      }
      callback(null, address, family);
    });
  }) as LookupFunction;
}
