import { HttpStatus } from '@nestjs/common';
import { ApiError } from '../common/http/api-error';

export const STAGES = ['rectification', 'rectified', 'exit_ordered', 'notified', 'sanctioned', 'exited'] as const;
export type Stage = (typeof STAGES)[number];

export type StageAction =
  | 'extend'
  | 'rectify'
  | 'order_exit'
  | 'complete_exit'
  | 'notify'
  | 'sanction'
  | 'uphold_objection'
  | 'reject_objection';

/** DESIGN section 3: every legal move, and nothing else. */
const TRANSITIONS: Record<StageAction, Partial<Record<Stage, Stage | 'previous'>>> = {
  extend: { rectification: 'rectification' },
  rectify: { rectification: 'rectified' },
  order_exit: { rectification: 'exit_ordered' },
  complete_exit: { exit_ordered: 'exited', notified: 'exited', sanctioned: 'exited' },
  notify: { exit_ordered: 'notified' },
  sanction: { notified: 'sanctioned' },
  uphold_objection: { notified: 'previous' },
  reject_objection: { notified: 'notified' },
};

export class IllegalStageChange extends ApiError {
  constructor(current: Stage, action: StageAction) {
    super(HttpStatus.CONFLICT, 'ILLEGAL_STAGE_CHANGE', `cannot ${action.replace('_', ' ')}: the obligation is at stage ${current}`, {
      currentStage: current,
      action,
      allowedFrom: Object.keys(TRANSITIONS[action]),
    });
  }
}

/** The stage an action leads to from the current one; throws 409 naming the current stage when illegal. */
export function nextStage(current: Stage, action: StageAction, previous: Stage | null): Stage {
  const target = TRANSITIONS[action][current];
  if (!target) throw new IllegalStageChange(current, action);
  if (target === 'previous') return previous ?? 'exit_ordered';
  return target;
}

export function canMove(current: Stage, action: StageAction): boolean {
  return TRANSITIONS[action][current] !== undefined;
}
