import { InjectQueue } from '@nestjs/bullmq';
import { HttpStatus, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { ApiError } from '../common/http/api-error';
import { decodeCursor, encodeCursor, isIsoInstant, Page } from '../common/http/cursor';
import { isUuid } from '../common/ids';
import type { Principal } from '../principals/principal';
import { DeliveryRepository, DeliveryRow } from '../delivery/delivery.repository';
import { allows } from '../delivery/delivery-status';
import { OPS_QUEUE } from '../queue/queue.constants';
import { recordOf } from '../records/records.repository';
import { BulkJobsRepository } from './bulk-jobs.repository';
import {
  BulkJobDto,
  BulkRetryFilterDto,
  CancelDeliveryDto,
  DeliveryDetailDto,
  DeliveryDto,
  JobAcceptedDto,
  ListDeliveriesQueryDto,
} from './dto/deliveries.dto';
import { auditState, toAttemptDto, toBulkJobDto, toDeliveryDto } from './ops-deliveries.mapper';
import { OpsDeliveriesRepository } from './ops-deliveries.repository';

export const BULK_RETRY_KIND = 'delivery.bulk_retry';
export const BULK_RETRY_JOB = 'bulk-retry';

type OperatorAction = 'retry' | 'cancel';

/** What operators see of deliveries and what they may do to them; every change is audited in its transaction. */
@Injectable()
export class OpsDeliveriesService {
  constructor(
    private readonly deliveries: OpsDeliveriesRepository,
    private readonly transitions: DeliveryRepository,
    private readonly jobs: BulkJobsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectQueue(OPS_QUEUE) private readonly queue: Queue,
  ) {}

  async list(query: ListDeliveriesQueryDto): Promise<Page<DeliveryDto>> {
    const limit = query.limit ?? 100;
    const cursor = decodeCursor(query.cursor, 2, ([at, id]) => isIsoInstant(at) && isUuid(id));
    const rows = await this.deliveries.list({
      ...query,
      before: cursor ? { createdAt: String(cursor[0]), id: String(cursor[1]) } : undefined,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items: items.map(toDeliveryDto), nextCursor: rows.length > limit ? encodeCursor([last.created_at.toISOString(), last.id]) : null };
  }

  async get(id: string): Promise<DeliveryDetailDto> {
    const row = isUuid(id) ? await this.deliveries.findById(id) : null;
    if (!row) throw notFound(id);
    const [attempts, jws, holding] = await Promise.all([
      this.deliveries.attempts(id),
      this.deliveries.versionJws(row.record_id, row.version),
      this.deliveries.heldBehind(row),
    ]);
    return {
      ...toDeliveryDto(row),
      attempts: attempts.map(toAttemptDto),
      record: jws ? { record: recordOf(jws) as unknown as Record<string, unknown>, jws } : null,
      heldBehind: holding.map((h) => ({ id: h.id, version: h.version, status: h.status as DeliveryDto['status'] })),
    };
  }

  /** Due now, whatever happened before; the attempt history stays. */
  retry(id: string, actor: Principal): Promise<DeliveryDto> {
    return this.change(id, 'retry', actor, (m, now) => this.transitions.retry(m, id, now));
  }

  /** Stops it; later versions of the record to the target stay held behind it unless the operator releases them. */
  cancel(id: string, dto: CancelDeliveryDto, actor: Principal): Promise<DeliveryDto> {
    const reason = dto.reason.trim();
    const releaseLater = dto.releaseLaterVersions === true;
    return this.change(id, 'cancel', actor, (m, now) => this.transitions.cancel(m, id, reason, releaseLater, now), { reason, releaseLaterVersions: releaseLater });
  }

  /** Records the job and queues it; the worker goes through the matching rows in batches. */
  async bulkRetry(filter: BulkRetryFilterDto, actor: Principal): Promise<JobAcceptedDto> {
    const stored = { ...filter, status: filter.status ?? ['dead'] };
    const jobId = await this.deliveries.transaction(async (m) => {
      const id = await this.jobs.insert(m, { kind: BULK_RETRY_KIND, filter: stored, createdBy: actor.id, createdAt: this.clock.now() });
      await this.audit.record(m, { actor, action: BULK_RETRY_KIND, subjectType: 'bulk_job', subjectId: id, before: null, after: { status: 'queued', filter: stored } });
      return id;
    });
    try {
      await this.queue.add(BULK_RETRY_JOB, { jobId }, { jobId });
    } catch (e) {
      await this.jobs.finish(jobId, this.clock.now(), `not queued: ${(e as Error).message}`);
      throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'QUEUE_UNAVAILABLE', 'the job queue is unavailable; nothing was changed');
    }
    return { jobId };
  }

  async job(id: string): Promise<BulkJobDto> {
    const job = isUuid(id) ? await this.jobs.find(id) : null;
    if (!job) throw new ApiError(HttpStatus.NOT_FOUND, 'JOB_NOT_FOUND', `id: no job ${id}`);
    return toBulkJobDto(job);
  }

  private async change(
    id: string,
    action: OperatorAction,
    actor: Principal,
    apply: (m: EntityManager, now: Date) => Promise<DeliveryRow | null>,
    details?: object,
  ): Promise<DeliveryDto> {
    if (!isUuid(id)) throw notFound(id);
    return this.deliveries.transaction(async (m) => {
      const before = await this.deliveries.findById(id, m, true);
      if (!before) throw notFound(id);
      if (!allows(action, before.status)) {
        throw new ApiError(HttpStatus.CONFLICT, 'DELIVERY_STATE_CONFLICT', `status: a ${before.status} delivery cannot be ${action === 'retry' ? 'retried' : 'cancelled'}`, {
          status: before.status,
        });
      }
      // The row is locked and its status allows the action, so the transition applies.
      const after = (await apply(m, this.clock.now()))!;
      await this.audit.record(m, {
        actor,
        action: `delivery.${action}`,
        subjectType: 'delivery',
        subjectId: id,
        before: auditState(before),
        after: auditState(after),
        details,
      });
      return toDeliveryDto(after);
    });
  }
}

function notFound(id: string): ApiError {
  return new ApiError(HttpStatus.NOT_FOUND, 'DELIVERY_NOT_FOUND', `id: no delivery ${id}`);
}
