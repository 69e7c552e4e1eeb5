import type { JSONWebKeySet } from 'jose';
import { canonicalJson, LedgerEntryFields, sha256Hex } from '../signing/canonical';
import { verifyCheckpointJws, verifyRecordJws } from '../signing/verify';
import { entryLeafHash } from './ledger-entry';
import { fromHex, verifyInclusion } from './merkle/merkle';

// Offline check of a pushed body (DESIGN section 5) with nothing but the JWKS: no Nest, no database, no gateway.

interface PushedInclusion {
  checkpoint: { treeSize: number; rootHash: string; timestamp: string; jws: string };
  leafIndex: number;
  auditPath: string[];
}

/**
 * The ledger entry of a record version, rebuilt from the record alone: its `ledger {seq, prevHash}`, the SHA-256
 * of its canonical JSON, and its `issuedAt`, which is the entry's `appendedAt`.
 */
export function entryOfRecord(record: Record<string, unknown>): LedgerEntryFields {
  const ledger = record.ledger as { seq?: unknown; prevHash?: unknown } | undefined;
  return {
    seq: ledger?.seq as number,
    recordId: record.recordId as string,
    version: record.version as number,
    recordHash: sha256Hex(canonicalJson(record)),
    prevHash: ledger?.prevHash as string,
    appendedAt: record.issuedAt as string,
  };
}

/**
 * Proves the record is in the transparency log: the checkpoint verifies with the JWKS and the audit path leads from
 * the record's leaf to the checkpoint's root. Returns the checkpoint's tree size; throws Error naming what failed.
 */
export async function verifyRecordInclusion(record: Record<string, unknown>, inclusion: unknown, jwks: JSONWebKeySet): Promise<number> {
  if (!inclusion || typeof inclusion !== 'object') throw new Error('inclusion: missing');
  const { checkpoint, leafIndex, auditPath } = inclusion as Partial<PushedInclusion>;
  if (!checkpoint || typeof checkpoint.jws !== 'string') throw new Error('inclusion.checkpoint: missing or without jws');
  const signed = await verifyCheckpointJws(checkpoint.jws, jwks, checkpoint).catch((e: Error) => {
    throw new Error(`inclusion.checkpoint: ${e.message}`);
  });
  const entry = entryOfRecord(record);
  if (!Number.isSafeInteger(entry.seq) || entry.seq < 1) throw new Error('record.ledger.seq: missing');
  if (leafIndex !== entry.seq - 1) throw new Error(`inclusion.leafIndex: ${String(leafIndex)}, but the record's ledger seq is ${entry.seq}`);
  const path = Array.isArray(auditPath) ? auditPath.map(fromHex) : [null];
  if (path.some((h) => h === null)) throw new Error('inclusion.auditPath: must be a list of 64-digit lowercase hex hashes');
  if (!verifyInclusion(entryLeafHash(entry), leafIndex, signed.treeSize, path as Buffer[], fromHex(signed.rootHash)!)) {
    throw new Error(`inclusion: the audit path does not lead from the record's entry ${entry.seq} to the root of checkpoint ${signed.treeSize}`);
  }
  return signed.treeSize;
}

/** A pushed body `{type, record, jws, inclusion}`: the record's signature, then its inclusion. */
export async function verifyPushedBody(body: unknown, jwks: JSONWebKeySet): Promise<{ recordId: unknown; version: unknown; treeSize: number }> {
  const { record, jws, inclusion } = (body ?? {}) as { record?: Record<string, unknown>; jws?: unknown; inclusion?: unknown };
  if (!record || typeof record !== 'object' || typeof jws !== 'string') throw new Error('body: needs {type, record, jws, inclusion}');
  await verifyRecordJws(jws, jwks, record);
  const treeSize = await verifyRecordInclusion(record, inclusion, jwks);
  return { recordId: record.recordId, version: record.version, treeSize };
}
