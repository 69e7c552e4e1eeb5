import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { canonicalJson, ledgerEntryHash, sha256Hex } from '../signing/canonical';
import { LEDGER_HEAD_JWS_TYP, SigningService } from '../signing/signing.service';
import type { RecordDraft, SanctionRecord } from '../records/sanction-record';
import type { LedgerEntry } from './ledger-entry';
import { LedgerRepository } from './ledger.repository';

export interface PlacedVersion {
  record: SanctionRecord;
  entry: LedgerEntry;
}

/** The hash-chained ledger of every record version (DESIGN section 5). */
@Injectable()
export class LedgerService {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly signing: SigningService,
  ) {}

  /**
   * Gives each draft its place in the chain and appends the entries, inside the caller's transaction.
   * The head stays locked until that transaction ends, so the versions and their entries commit together.
   * An entry's `appendedAt` is its version's `issuedAt` (both are the instant of the writing transaction), so
   * the entry, and with it the version's Merkle leaf, can be rebuilt from the signed record alone.
   */
  async place(manager: EntityManager, drafts: RecordDraft[]): Promise<PlacedVersion[]> {
    if (!drafts.length) return [];
    let head = await this.ledger.lockHead(manager);
    const placed = drafts.map((draft) => {
      const record: SanctionRecord = { ...draft, ledger: { seq: head.seq + 1, prevHash: head.hash } };
      const fields = {
        seq: head.seq + 1,
        recordId: record.recordId,
        version: record.version,
        recordHash: sha256Hex(canonicalJson(record)),
        prevHash: head.hash,
        appendedAt: record.issuedAt,
      };
      const entry: LedgerEntry = { ...fields, hash: ledgerEntryHash(fields) };
      head = { seq: entry.seq, hash: entry.hash };
      return { record, entry };
    });
    await this.ledger.append(
      manager,
      placed.map((p) => p.entry),
    );
    return placed;
  }

  async page(afterSeq: number, limit: number, withRecords = false): Promise<{ items: Array<LedgerEntry & { jws?: string | null }>; nextAfterSeq: number | null }> {
    const items = withRecords ? await this.ledger.pageWithRecords(afterSeq, limit) : await this.ledger.page(afterSeq, limit);
    return { items, nextAfterSeq: items.length === limit ? items[items.length - 1].seq : null };
  }

  /** The last entry and a JWS over it, so anyone can pin the chain they verified. */
  async head(): Promise<{ entry: LedgerEntry | null; jws: string | null }> {
    const entry = await this.ledger.last();
    return { entry, jws: entry ? await this.signing.signJson(entry, LEDGER_HEAD_JWS_TYP) : null };
  }
}
