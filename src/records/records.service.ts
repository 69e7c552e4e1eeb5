import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { ApiError } from '../common/http/api-error';
import type { Principal } from '../principals/principal';
import { RuleViolation } from '../obligations/deadline-rules';
import { AmendRecordDto } from './records.dto';
import { RecordWriter } from './record-writer';
import { RecordsRepository } from './records.repository';
import type { SignedVersion } from './sanction-record';

const RECORD_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

@Injectable()
export class RecordsService {
  constructor(
    private readonly records: RecordsRepository,
    private readonly writer: RecordWriter,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async current(recordId: string): Promise<SignedVersion> {
    const found = RECORD_ID.test(recordId) ? await this.records.current(recordId) : null;
    if (!found) throw notFound(recordId);
    return { record: found.record, jws: found.jws };
  }

  async versions(recordId: string): Promise<{ items: SignedVersion[] }> {
    const found = RECORD_ID.test(recordId) ? await this.records.versions(recordId) : [];
    if (!found.length) throw notFound(recordId);
    return { items: found.map((v) => ({ record: v.record, jws: v.jws })) };
  }

  /** Narrows the measures of an active record (sanction.amended); widening needs a new decision, not an amendment. */
  async amend(recordId: string, dto: AmendRecordDto, principal: Principal): Promise<SignedVersion> {
    const { record } = await this.current(recordId);
    if (!principal.mayActFor(record.decidedBy.department, record.decidedBy.county)) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN_SCOPE', `this key may not amend records of ${record.decidedBy.department}`);
    }
    if (record.event === 'sanction.revoked') throw new ApiError(HttpStatus.CONFLICT, 'RECORD_REVOKED', `recordId: ${recordId} is revoked`);
    const widened = dto.measures.filter((m) => !record.measures.includes(m));
    if (widened.length) throw new RuleViolation('measures', `an amendment may only narrow the measures; not in the record: ${widened.join(', ')}`);
    if (dto.measures.length === record.measures.length) throw new RuleViolation('measures', 'must remove at least one measure');
    const amended = await this.dataSource.transaction((m) => this.writer.amend(m, recordId, dto.measures, dto.reason, this.clock.now()));
    if (!amended) throw new ApiError(HttpStatus.CONFLICT, 'RECORD_REVOKED', `recordId: ${recordId} is not active`);
    return this.current(recordId);
  }
}

function notFound(recordId: string): ApiError {
  return new ApiError(HttpStatus.NOT_FOUND, 'RECORD_NOT_FOUND', `recordId: no record ${recordId}`);
}
