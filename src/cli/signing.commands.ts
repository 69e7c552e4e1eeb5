import { readFile } from 'node:fs/promises';
import type { JSONWebKeySet } from 'jose';
import type { AppConfig } from '../config/config.schema';
import { entryLeafHash, LedgerEntry } from '../ledger/ledger-entry';
import { CompactRange, fromHex, toHex, verifyConsistency } from '../ledger/merkle/merkle';
import { verifyRecordInclusion } from '../ledger/verify-push';
import { canonicalJson, sha256Hex } from '../signing/canonical';
import { ChainVerifier, Checkpoint, verifyCheckpointJws, verifyHead, verifyRecordJws } from '../signing/verify';

/** A command that runs from config alone, opening no database or application context; it returns the exit code. */
export type StandaloneCommand = (config: AppConfig, positional: string[], flags: Record<string, string>) => Promise<number>;

export type Print = (value: unknown) => void;

/** An entry as `GET /v1/ledger?include=records` serves it: with its record version's JWS. */
type ServedEntry = LedgerEntry & { jws?: string | null };

interface LedgerPage {
  items: ServedEntry[];
  nextAfterSeq: number | null;
}

type SignedCheckpoint = Checkpoint & { jws: string };

const stdout: Print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const isUrl = (s: string) => /^https?:\/\//i.test(s);
// parseArgs gives a flag without a value as 'true'.
const given = (flag: string | undefined): flag is string => !!flag && flag !== 'true';
const PAGE = 1000;

export const signingCommands: Record<string, StandaloneCommand> = {
  'record:verify': async (_, positional, flags) => {
    if (!positional[0] || !given(flags.jwks)) throw new Error('usage: record:verify <record.json> --jwks <file|url>');
    return verifyRecordsFile(positional[0], flags.jwks);
  },
  'ledger:verify': async (_, __, flags) => {
    if (!given(flags.from)) throw new Error('usage: ledger:verify --from <file|baseUrl> [--checkpoint <file>] [--jwks <file|url>] [--key <api key>]');
    return verifyLedger({ from: flags.from, jwks: flags.jwks, key: flags.key, checkpoint: flags.checkpoint });
  },
};

/**
 * Verifies every record in a file as the gateway serves or pushes it: {record, jws}, {type, record, jws, inclusion}
 * or {items: [...]}. A pushed body's `inclusion` is checked too (the record is in the transparency log). Prints
 * {recordId, version, ok, inclusion?: {treeSize}, error?} per record; 0 only when all verify.
 */
export async function verifyRecordsFile(file: string, jwksSource: string, print: Print = stdout): Promise<number> {
  const input = JSON.parse(await readFile(file, 'utf8'));
  const items: Array<{ record?: Record<string, unknown>; jws?: string; inclusion?: unknown }> = Array.isArray(input)
    ? input
    : Array.isArray(input?.items)
      ? input.items
      : [input];
  if (!items.length) throw new Error(`${file}: holds no records`);
  const jwks = await loadJwks(jwksSource);
  let failed = 0;
  for (const item of items) {
    const line: { recordId?: unknown; version?: unknown; ok: boolean; inclusion?: { treeSize: number }; error?: string } = {
      recordId: item?.record?.recordId,
      version: item?.record?.version,
      ok: true,
    };
    try {
      if (typeof item?.jws !== 'string') throw new Error('jws: missing');
      const signed = await verifyRecordJws(item.jws, jwks, item.record);
      line.recordId = signed.recordId;
      line.version = signed.version;
      if (item.inclusion !== undefined) line.inclusion = { treeSize: await verifyRecordInclusion(signed, item.inclusion, jwks) };
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
  /** A file holding {items, head?, checkpoint?}, or the gateway's base URL. */
  from: string;
  jwks?: string;
  /** API key sent as a Bearer token to a gateway. */
  key?: string;
  /** A file holding a checkpoint signed earlier ({treeSize, rootHash, timestamp, jws}, or a push's inclusion). */
  checkpoint?: string;
  /** Entries asked for per page (1000 by default). */
  pageSize?: number;
}

class Broken extends Error {
  constructor(
    readonly brokenAt: number,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * Holds the served log to account (DESIGN section 5, invariant 10). It recomputes the hash chain and the Merkle
 * tree from the entries alone; checks every entry's `recordHash` against its record and every record's signature;
 * proves the log an extension of the checkpoint held (`--checkpoint`): its tree of that size has that root, by
 * recomputation and by the gateway's consistency proof; and checks the gateway's own newest checkpoint and signed
 * head against what it served. From a gateway it pins the checkpoint and head first, then reads pages, holding one
 * page and O(log n) hashes. Prints {ok: true, ...} or {ok: false, brokenAt, reason}; exit status 1 on a break.
 */
export async function verifyLedger(source: LedgerSource, print: Print = stdout): Promise<number> {
  try {
    print(await checkLedger(source));
    return 0;
  } catch (e) {
    if (!(e instanceof Broken)) throw e;
    print({ ok: false, brokenAt: e.brokenAt, reason: e.message });
    return 1;
  }
}

async function checkLedger(source: LedgerSource) {
  const remote = isUrl(source.from);
  const base = source.from.replace(/\/+$/, '');
  const get = (path: string) => fetchJson(`${base}${path}`, source.key);
  const jwksSource = given(source.jwks) ? source.jwks : remote ? `${base}/.well-known/jwks.json` : undefined;
  if (!jwksSource) throw new Error('--jwks: needed to check the records\' signatures when reading from a file');
  const jwks = await loadJwks(jwksSource);
  const held = given(source.checkpoint) ? await loadCheckpoint(source.checkpoint, jwks) : null;

  let head: { entry: LedgerEntry | null; jws: string | null } | undefined;
  let served: SignedCheckpoint | null = null;
  let entries: AsyncIterable<ServedEntry[]>;
  if (remote) {
    // A gateway that halted its signing serves no checkpoint (503): the log is still held to the one kept here.
    served = (await get('/v1/ledger/checkpoint').catch((e: Error) => {
      if (/: 503 /.test(e.message)) return null;
      throw e;
    })) as SignedCheckpoint | null;
    head = (await get('/v1/ledger/head')) as typeof head;
    entries = pages(get, source.pageSize ?? PAGE, base);
  } else {
    const input = JSON.parse(await readFile(source.from, 'utf8'));
    const items: ServedEntry[] = Array.isArray(input) ? input : input?.items;
    if (!Array.isArray(items)) throw new Error(`${source.from}: expected {items: [...]}`);
    head = input.head;
    served = input.checkpoint ?? null;
    entries = (async function* () {
      yield items;
    })();
  }
  if (served) await checkServedCheckpoint(served, held, jwks, remote ? get : null);

  // Roots of the recomputed tree at the sizes the checkpoints name.
  const tree = new CompactRange();
  const rootAt = new Map<number, string>();
  const sizes = new Set([held?.treeSize, served?.treeSize].filter((n): n is number => n !== undefined));
  if (sizes.has(0)) rootAt.set(0, toHex(tree.root()));
  const chain = new ChainVerifier();
  let pinned: LedgerEntry | undefined;
  for await (const page of entries) {
    chain.add(page);
    const result = chain.result();
    if (!result.ok) throw new Broken(result.brokenAt, result.reason);
    for (const entry of page) {
      await checkRecord(entry, jwks);
      tree.append(entryLeafHash(entry));
      if (sizes.has(tree.size)) rootAt.set(tree.size, toHex(tree.root()));
      if (head?.entry && entry.seq === head.entry.seq) pinned = entry;
    }
  }
  const count = tree.size;
  for (const [what, c] of [['the checkpoint held', held], ["the gateway's newest checkpoint", served]] as const) {
    if (!c) continue;
    if (count < c.treeSize) throw new Broken(count + 1, `the log served has ${count} entries, fewer than the ${c.treeSize} ${what} covers (history truncated)`);
    if (rootAt.get(c.treeSize) !== c.rootHash) {
      throw new Broken(c.treeSize, `the log served is not an extension of ${what}: its first ${c.treeSize} entries have root ${rootAt.get(c.treeSize)}, the checkpoint says ${c.rootHash} (history rewritten)`);
    }
  }
  const headVerified = await checkHead(head, pinned, jwks);
  return {
    ok: true,
    count,
    headSeq: count,
    headVerified,
    recordsVerified: count,
    rootHash: toHex(tree.root()),
    servedCheckpoint: served?.treeSize ?? null,
    ...(held ? { checkpoint: { treeSize: held.treeSize, consistent: true } } : {}),
  };
}

async function* pages(get: (path: string) => Promise<unknown>, pageSize: number, base: string): AsyncIterable<ServedEntry[]> {
  for (let afterSeq: number | null = 0; afterSeq !== null; ) {
    const page = (await get(`/v1/ledger?afterSeq=${afterSeq}&limit=${pageSize}&include=records`)) as LedgerPage;
    if (!Array.isArray(page?.items)) throw new Error(`${base}/v1/ledger: answer has no items`);
    yield page.items;
    if (page.nextAfterSeq !== null && (!page.items.length || page.nextAfterSeq <= afterSeq)) {
      throw new Error(`${base}/v1/ledger: nextAfterSeq does not advance`);
    }
    afterSeq = page.nextAfterSeq;
  }
}

/** The checkpoint a verifier kept: a file with a checkpoint, an inclusion or a pushed body; its signature must hold. */
async function loadCheckpoint(file: string, jwks: JSONWebKeySet): Promise<SignedCheckpoint> {
  const input = JSON.parse(await readFile(file, 'utf8'));
  const c = (input?.inclusion?.checkpoint ?? input?.checkpoint ?? input) as SignedCheckpoint;
  try {
    await verifyCheckpointJws(c?.jws, jwks, c);
  } catch (e) {
    throw new Broken(0, `checkpoint ${file}: ${(e as Error).message}`);
  }
  return c;
}

/** The gateway's newest checkpoint is signed, no older than the one held, and provably consistent with it. */
async function checkServedCheckpoint(
  served: SignedCheckpoint,
  held: SignedCheckpoint | null,
  jwks: JSONWebKeySet,
  get: ((path: string) => Promise<unknown>) | null,
): Promise<void> {
  try {
    await verifyCheckpointJws(served.jws, jwks, served);
  } catch (e) {
    throw new Broken(0, `the gateway's newest checkpoint: ${(e as Error).message}`);
  }
  if (!held) return;
  if (served.treeSize < held.treeSize) {
    throw new Broken(served.treeSize + 1, `the gateway's newest checkpoint covers ${served.treeSize} entries, fewer than the ${held.treeSize} of the checkpoint held (history truncated)`);
  }
  if (!get || held.treeSize === 0) return;
  const { proof } = (await get(`/v1/ledger/proofs/consistency?from=${held.treeSize}&to=${served.treeSize}`)) as { proof: string[] };
  const hashes = Array.isArray(proof) ? proof.map(fromHex) : [null];
  if (hashes.some((h) => !h) || !verifyConsistency(held.treeSize, served.treeSize, fromHex(held.rootHash)!, fromHex(served.rootHash)!, hashes as Buffer[])) {
    throw new Broken(held.treeSize, `the gateway cannot prove its checkpoint ${served.treeSize} consistent with the checkpoint held (${held.treeSize}): history rewritten`);
  }
}

/** The entry's record version verifies with the JWKS and is exactly what the entry hashes and places. */
async function checkRecord(entry: ServedEntry, jwks: JSONWebKeySet): Promise<void> {
  if (typeof entry.jws !== 'string') throw new Broken(entry.seq, `entry ${entry.seq}: no record version is served for it`);
  let record: Record<string, unknown>;
  try {
    record = await verifyRecordJws(entry.jws, jwks);
  } catch (e) {
    throw new Broken(entry.seq, `entry ${entry.seq}: its record ${(e as Error).message}`);
  }
  if (sha256Hex(canonicalJson(record)) !== entry.recordHash) throw new Broken(entry.seq, `entry ${entry.seq}: recordHash does not match its record`);
  const ledger = record.ledger as { seq?: unknown; prevHash?: unknown } | undefined;
  if (record.recordId !== entry.recordId || record.version !== entry.version || ledger?.seq !== entry.seq || ledger?.prevHash !== entry.prevHash) {
    throw new Broken(entry.seq, `entry ${entry.seq}: its record names another place in the ledger`);
  }
}

async function checkHead(head: { entry: LedgerEntry | null; jws: string | null } | undefined, pinned: LedgerEntry | undefined, jwks: JSONWebKeySet): Promise<boolean> {
  if (!head?.entry) return false;
  const seq = head.entry.seq;
  if (!pinned) throw new Broken(seq, `head: entry ${seq} is not in the chain read`);
  if (canonicalJson(stripRecord(pinned)) !== canonicalJson(head.entry)) throw new Broken(seq, `head: entry ${seq} differs from the chain's`);
  if (typeof head.jws !== 'string') throw new Broken(seq, 'head: no jws');
  try {
    await verifyHead(head.jws, jwks, head.entry);
  } catch (e) {
    throw new Broken(seq, `head: ${(e as Error).message}`);
  }
  return true;
}

function stripRecord({ jws: _jws, ...entry }: ServedEntry): LedgerEntry {
  return entry;
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
