import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ObligationEntity } from './obligation.entity';
import type { StageAction } from './stage-machine';

export interface StageChange {
  action: StageAction;
  before: ObligationEntity;
  after: ObligationEntity;
}

export interface ObligationHook {
  afterStageChange(manager: EntityManager, change: StageChange): Promise<void>;
}

/**
 * Later stages of the flow (records) react to a stage change inside the same transaction without
 * obligations depending on them: they register here when their module starts.
 */
@Injectable()
export class ObligationHooks {
  private readonly hooks: ObligationHook[] = [];

  register(hook: ObligationHook): void {
    this.hooks.push(hook);
  }

  async run(manager: EntityManager, change: StageChange): Promise<void> {
    for (const hook of this.hooks) await hook.afterStageChange(manager, change);
  }
}
