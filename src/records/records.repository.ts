import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { IssueInput } from './record-drafts';
import type { RecordDraft, SanctionRecord, SignedVersion } from './sanction-record';

export interface StoredVersion {
  record: SanctionRecord;
  jws: string;
  recordHash: string;
}

@Injectable()
export class RecordsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the record rows; the unique (obligation, missed deadline) index drops repeats. Returns the ids inserted. */
  async insertRecords(manager: EntityManager, inputs: IssueInput[], at: Date): Promise<Set<string>> {
    if (!inputs.length) return new Set();
    const rows: Array<{ record_id: string }> = await manager.query(
      `INSERT INTO records (record_id, obligation_id, missed_deadline, uscc, department, county, dimension, status,
                            current_version, measures, listed_on, repair_eligible_on, publication_ends_on, issued_at, subject_name)
       SELECT r.record_id, r.obligation_id, r.missed_deadline, r.uscc, r.department, r.county, r.dimension, 'active',
              1, string_to_array(r.measures, ','), r.listed_on, r.repair_eligible_on, r.publication_ends_on, $12, r.subject_name
         FROM unnest($1::char(26)[], $2::uuid[], $3::date[], $4::char(18)[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::date[], $10::date[], $11::date[], $13::text[])
           AS r(record_id, obligation_id, missed_deadline, uscc, department, county, dimension, measures, listed_on,
                repair_eligible_on, publication_ends_on, subject_name)
       ON CONFLICT (obligation_id, missed_deadline) DO NOTHING
       RETURNING record_id`,
      [
        inputs.map((i) => i.recordId),
        inputs.map((i) => i.obligationId),
        inputs.map((i) => i.missedDeadline),
        inputs.map((i) => i.uscc),
        inputs.map((i) => i.department),
        inputs.map((i) => i.county),
        inputs.map((i) => i.dimension),
        inputs.map((i) => i.measures.join(',')),
        inputs.map((i) => i.listedOn),
        inputs.map((i) => i.repairEligibleOn),
        inputs.map((i) => i.publicationEndsOn),
        at,
        inputs.map((i) => i.enterpriseName),
      ],
    );
    return new Set(rows.map((r) => r.record_id));
  }

  async insertVersions(manager: EntityManager, versions: Array<SignedVersion & { recordHash: string }>, at: Date): Promise<void> {
    if (!versions.length) return;
    await manager.query(
      `INSERT INTO record_versions (record_id, version, event, jws, record_hash, ledger_seq, created_at)
       SELECT v.record_id, v.version, v.event, v.jws, v.record_hash, v.ledger_seq, $7
         FROM unnest($1::char(26)[], $2::int[], $3::text[], $4::text[], $5::char(64)[], $6::bigint[])
           AS v(record_id, version, event, jws, record_hash, ledger_seq)`,
      [
        versions.map((v) => v.record.recordId),
        versions.map((v) => v.record.version),
        versions.map((v) => v.record.event),
        versions.map((v) => v.jws),
        versions.map((v) => v.recordHash),
        versions.map((v) => v.record.ledger.seq),
        at,
      ],
    );
  }

  /** Moves each record's pointer to its new version and its status and measures with it. */
  async advance(manager: EntityManager, versions: SanctionRecord[], at: Date): Promise<void> {
    if (!versions.length) return;
    await manager.query(
      `UPDATE records r SET current_version = v.version, measures = string_to_array(v.measures, ','),
              status = CASE WHEN v.event = 'sanction.revoked' THEN 'revoked' ELSE r.status END,
              revoked_at = CASE WHEN v.event = 'sanction.revoked' THEN $5::timestamptz ELSE r.revoked_at END,
              revocation_reason = COALESCE(v.reason, r.revocation_reason)
         FROM unnest($1::char(26)[], $2::int[], $3::text[], $4::text[], $6::text[]) AS v(record_id, version, event, measures, reason)
        WHERE r.record_id = v.record_id`,
      [
        versions.map((v) => v.recordId),
        versions.map((v) => v.version),
        versions.map((v) => v.event),
        versions.map((v) => v.measures.join(',')),
        at,
        versions.map((v) => v.revocation?.reason ?? null),
      ],
    );
  }

  /** Current versions of active records, locked so that two writers cannot both add version n+1. */
  async lockCurrent(manager: EntityManager, recordIds: string[]): Promise<RecordDraft[]> {
    if (!recordIds.length) return [];
    const rows: Array<{ jws: string }> = await manager.query(
      `SELECT v.jws FROM records r JOIN record_versions v ON v.record_id = r.record_id AND v.version = r.current_version
        WHERE r.record_id = ANY($1::char(26)[]) AND r.status = 'active'
        ORDER BY r.record_id FOR UPDATE OF r`,
      [recordIds],
    );
    return rows.map((r) => {
      const { ledger: _l, ...draft } = recordOf(r.jws);
      return draft;
    });
  }

  async markExitCompleted(manager: EntityManager, obligationId: string, completedOn: string): Promise<Array<{ recordId: string; repairEligibleOn: string }>> {
    // TypeORM answers an UPDATE ... RETURNING with [rows, affected].
    const [rows]: [Array<{ record_id: string; repair_eligible_on: string }>, number] = await manager.query(
      `UPDATE records SET exit_completed_on = $2 WHERE obligation_id = $1 AND status = 'active'
       RETURNING record_id, to_char(repair_eligible_on, 'YYYY-MM-DD') AS repair_eligible_on`,
      [obligationId, completedOn],
    );
    return rows.map((r) => ({ recordId: r.record_id, repairEligibleOn: r.repair_eligible_on }));
  }

  async versions(recordId: string): Promise<StoredVersion[]> {
    const rows: Array<{ jws: string; record_hash: string }> = await this.dataSource.query(
      `SELECT jws, record_hash FROM record_versions WHERE record_id = $1 ORDER BY version`,
      [recordId],
    );
    return rows.map((r) => ({ record: recordOf(r.jws), jws: r.jws, recordHash: r.record_hash }));
  }

  async current(recordId: string): Promise<StoredVersion | null> {
    const rows: Array<{ jws: string; record_hash: string }> = await this.dataSource.query(
      `SELECT v.jws, v.record_hash FROM records r
         JOIN record_versions v ON v.record_id = r.record_id AND v.version = r.current_version
        WHERE r.record_id = $1`,
      [recordId],
    );
    return rows.length ? { record: recordOf(rows[0].jws), jws: rows[0].jws, recordHash: rows[0].record_hash } : null;
  }

  async owner(recordId: string): Promise<{ department: string; county: string } | null> {
    const rows = await this.dataSource.query(`SELECT department, county FROM records WHERE record_id = $1`, [recordId]);
    return rows[0] ?? null;
  }
}

/** The record a version's JWS signs: its payload, the canonical JSON. */
export function recordOf(jws: string): SanctionRecord {
  return JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8'));
}
