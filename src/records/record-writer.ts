import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import type { Measure } from '../common/domain';
import { DeliveryRepository } from '../delivery/delivery.repository';
import { LedgerService } from '../ledger/ledger.service';
import { RestrictionsRepository } from '../restrictions/restrictions.repository';
import { SigningService } from '../signing/signing.service';
import { amendmentDraft, IssueInput, issueDraft, revocationDraft } from './record-drafts';
import { RecordsRepository } from './records.repository';
import type { RecordDraft, RevocationReason } from './sanction-record';

/**
 * The one way a record version comes to exist: placed in the ledger, signed, stored and routed to its
 * targets, all inside the caller's transaction (DESIGN invariants 1 and 3).
 */
@Injectable()
export class RecordWriter {
  constructor(
    private readonly records: RecordsRepository,
    private readonly ledger: LedgerService,
    private readonly signing: SigningService,
    private readonly deliveries: DeliveryRepository,
    private readonly restrictions: RestrictionsRepository,
    private readonly clock: Clock,
  ) {}

  /** Issues records; those whose obligation and missed deadline already have one are skipped. Returns how many were issued. */
  async issue(manager: EntityManager, inputs: IssueInput[], at: Date): Promise<{ issued: number; deliveries: number }> {
    const inserted = await this.records.insertRecords(manager, inputs, at);
    const drafts = inputs.filter((i) => inserted.has(i.recordId)).map(issueDraft);
    const deliveries = await this.append(manager, drafts, at, 'issued');
    return { issued: drafts.length, deliveries };
  }

  /** Revokes the active records among the ids; returns how many were revoked. */
  async revoke(manager: EntityManager, recordIds: string[], reason: RevocationReason, at: Date): Promise<number> {
    const current = await this.records.lockCurrent(manager, recordIds);
    const drafts = current.map((d) => revocationDraft(d, reason, at.toISOString()));
    await this.append(manager, drafts, at, 'follow-up');
    return drafts.length;
  }

  /** Narrows an active record's measures; returns the new version, or null when the record is not active. */
  async amend(manager: EntityManager, recordId: string, measures: Measure[], reason: string, at: Date): Promise<RecordDraft | null> {
    const [current] = await this.records.lockCurrent(manager, [recordId]);
    if (!current) return null;
    const draft = amendmentDraft(current, measures, reason, at.toISOString());
    await this.append(manager, [draft], at, 'follow-up');
    return draft;
  }

  private async append(manager: EntityManager, unmarked: RecordDraft[], at: Date, routing: 'issued' | 'follow-up'): Promise<number> {
    if (!unmarked.length) return 0;
    const drafts = this.clock.simulated ? unmarked.map((d): RecordDraft => ({ ...d, simulated: true })) : unmarked;
    const placed = await this.ledger.place(manager, drafts);
    const records = placed.map((p) => p.record);
    const jws = await this.signing.signRecords(records);
    await this.records.insertVersions(
      manager,
      placed.map((p, i) => ({ record: p.record, jws: jws[i], recordHash: p.entry.recordHash })),
      at,
    );
    // Agencies' queries read this table, so it changes in the same commit as the record.
    await this.restrictions.apply(manager, records);
    if (routing === 'follow-up') await this.records.advance(manager, records, at);
    return routing === 'issued'
      ? this.deliveries.routeIssued(manager, records, at)
      : this.deliveries.routeFollowUp(manager, records, at);
  }
}
