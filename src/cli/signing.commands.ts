import { readFile } from 'node:fs/promises';
import type { JSONWebKeySet } from 'jose';
import type { AppConfig } from '../config/config.schema';
import type { LedgerEntry } from '../ledger/ledger-entry';
import { canonicalJson } from '../signing/canonical';
import { KeyStore } from '../signing/key-store';
import { ChainVerifier, verifyHead, verifyRecordJws } from '../signing/verify';

/** A command that runs from config alone, opening no database or application context; it returns the exit code. */
export type StandaloneCommand = (config: AppConfig, positional: string[], flags: Record<string, string>) => Promise<number>;

export type Print = (value: unknown) => void;

interface LedgerPage {
  items: LedgerEntry[];
  nextAfterSeq: number | null;
}

const stdout: Print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const isUrl = (s: string) => /^https?:\/\//i.test(s);
// parseArgs gives a flag without a value as 'true'.
const given = (flag: string | undefined): flag is string => !!flag && flag !== 'true';
const PAGE = 1000;

export const signingCommands: Record<string, StandaloneCommand> = {
  /** Prints {"kid"} of the new signing key; a running gateway picks it up at its next signature. */
  'keys:rotate': async (config) => {
    stdout(await rotateKeys(config.signing.keyDir));
    return 0;
  },
  'record:verify': async (_, positional, flags) => {
    if (!positional[0] || !given(flags.jwks)) throw new Error('usage: record:verify <record.json> --jwks <file|url>');
    return verifyRecordsFile(positional[0], flags.jwks);
  },
  'ledger:verify': async (_, __, flags) => {
    if (!given(flags.from)) throw new Error('usage: ledger:verify --from <file|baseUrl> [--jwks <file|url>] [--key <api key>]');
    return verifyLedger({ from: flags.from, jwks: flags.jwks, key: flags.key });
  },
};

export async function rotateKeys(keyDir: string): Promise<{ kid: string }> {
  const store = await KeyStore.open(keyDir);
  return { kid: store.createdFirstKey ? store.active.kid : (await store.rotate()).kid };
}

/**
 * Verifies every record in a file as the gateway serves or pushes it: {record, jws}, {type, record, jws} or
 * {items: [...]}. Prints {recordId, version, ok, error?} per record; 0 only when all verify.
 */
export async function verifyRecordsFile(file: string, jwksSource: string, print: Print = stdout): Promise<number> {
  const input = JSON.parse(await readFile(file, 'utf8'));
  const items: Array<{ record?: Record<string, unknown>; jws?: string }> = Array.isArray(input)
    ? input
    : Array.isArray(input?.items)
      ? input.items
      : [input];
  if (!items.length) throw new Error(`${file}: holds no records`);
  const jwks = await loadJwks(jwksSource);
  let failed = 0;
  for (const item of items) {
    const line: { recordId?: unknown; version?: unknown; ok: boolean; error?: string } = {
      recordId: item?.record?.recordId,
      version: item?.record?.version,
      ok: true,
    };
    try {
      if (typeof item?.jws !== 'string') throw new Error('jws: missing');
      const signed = await verifyRecordJws(item.jws, jwks, item.record);
      line.recordId = signed.recordId;
      line.version = signed.version;
    } catch (e) {
      line.ok = false;
      line.error = (e as Error).message;
      failed++;
    }
    print(line);
  }
  return failed ? 1 : 0;
}

export interface LedgerSource {
  /** A file holding {items, head?: {entry, jws}}, or the gateway's base URL. */
  from: string;
  jwks?: string;
  /** API key sent as a Bearer token to a gateway. */
  key?: string;
  /** Entries asked for per page (1000 by default). */
  pageSize?: number;
}

/**
 * Recomputes the chain (DESIGN section 5) and checks the signed head. From a gateway it pins the head first and
 * then reads pages, so at most one page and the last entry are held; entries appended meanwhile are checked too.
 * Prints {ok, count, headSeq, headVerified} or {ok: false, brokenAt, reason}; 1 on a break.
 */
export async function verifyLedger(source: LedgerSource, print: Print = stdout): Promise<number> {
  const remote = isUrl(source.from);
  const base = source.from.replace(/\/+$/, '');
  const get = (path: string) => fetchJson(`${base}${path}`, source.key);
  const jwksSource = given(source.jwks) ? source.jwks : remote ? `${base}/.well-known/jwks.json` : undefined;
  const verifier = new ChainVerifier();
  let head: { entry: LedgerEntry | null; jws: string | null } | undefined;
  let pinned: LedgerEntry | undefined;
  const pin = (entries: LedgerEntry[]) => {
    const seen = head?.entry && entries.find((e) => e?.seq === head!.entry!.seq);
    if (seen) pinned = seen;
  };

  if (remote) {
    head = (await get('/v1/ledger/head')) as typeof head;
    for (let afterSeq: number | null = 0; afterSeq !== null && verifier.ok; ) {
      const page = (await get(`/v1/ledger?afterSeq=${afterSeq}&limit=${source.pageSize ?? PAGE}`)) as LedgerPage;
      if (!Array.isArray(page?.items)) throw new Error(`${base}/v1/ledger: answer has no items`);
      verifier.add(page.items);
      pin(page.items);
      if (page.nextAfterSeq !== null && (!page.items.length || page.nextAfterSeq <= afterSeq)) {
        throw new Error(`${base}/v1/ledger: nextAfterSeq does not advance`);
      }
      afterSeq = page.nextAfterSeq;
    }
  } else {
    const input = JSON.parse(await readFile(source.from, 'utf8'));
    const items: LedgerEntry[] = Array.isArray(input) ? input : input?.items;
    if (!Array.isArray(items)) throw new Error(`${source.from}: expected {items: [...]}`);
    head = input.head;
    verifier.add(items);
    pin(items);
  }

  const result = verifier.result();
  if (!result.ok) return fail(print, result.brokenAt, result.reason);
  const headSeq = result.head?.seq ?? 0;
  let headVerified = false;
  if (head?.entry) {
    if (!pinned) return fail(print, head.entry.seq, `head: entry ${head.entry.seq} is not in the chain read`);
    if (canonicalJson(pinned) !== canonicalJson(head.entry)) {
      return fail(print, head.entry.seq, `head: entry ${head.entry.seq} differs from the chain's`);
    }
    if (jwksSource) {
      if (typeof head.jws !== 'string') return fail(print, head.entry.seq, 'head: no jws');
      try {
        await verifyHead(head.jws, await loadJwks(jwksSource), head.entry);
      } catch (e) {
        return fail(print, head.entry.seq, `head: ${(e as Error).message}`);
      }
      headVerified = true;
    }
  }
  print({ ok: true, count: result.count, headSeq, headVerified });
  return 0;
}

function fail(print: Print, brokenAt: number, reason: string): number {
  print({ ok: false, brokenAt, reason });
  return 1;
}

async function loadJwks(source: string): Promise<JSONWebKeySet> {
  const jwks = (isUrl(source) ? await fetchJson(source) : JSON.parse(await readFile(source, 'utf8'))) as JSONWebKeySet;
  if (!Array.isArray(jwks?.keys)) throw new Error(`${source}: not a JWKS (no "keys")`);
  return jwks;
}

async function fetchJson(url: string, key?: string): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (given(key)) headers.authorization = `Bearer ${key}`;
  const res = await fetch(url, { headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}
