import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { Jurisdiction } from '../common/jurisdiction';
import { ObligationHooks, StageChange } from '../obligations/obligation-hooks';
import { RecordWriter } from './record-writer';
import { RecordsRepository } from './records.repository';

/**
 * Exit completion of a sanctioned obligation: the record is revoked at once when the repair minimum has
 * passed; otherwise it is marked and the sweep revokes it when due.
 */
@Injectable()
export class ExitRevocationHook implements OnModuleInit {
  constructor(
    private readonly hooks: ObligationHooks,
    private readonly records: RecordsRepository,
    private readonly writer: RecordWriter,
    private readonly jurisdiction: Jurisdiction,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  async afterStageChange(manager: EntityManager, { action, before, after }: StageChange): Promise<void> {
    if (action !== 'complete_exit' || before.stage !== 'sanctioned') return;
    const completedOn = (after.stageDetails.exitCompleted as { completedOn: string }).completedOn;
    const marked = await this.records.markExitCompleted(manager, after.id, completedOn);
    const today = this.jurisdiction.today();
    const due = marked.filter((r) => r.repairEligibleOn <= today).map((r) => r.recordId);
    await this.writer.revoke(manager, due, 'exit_completed', this.clock.now());
  }
}
