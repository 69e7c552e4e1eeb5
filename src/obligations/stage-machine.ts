import { HttpStatus } from '@nestjs/common';
import { ApiError } from '../common/http/api-error';

export const STAGES = ['rectification', 'rectified', 'exit_ordered', 'notified', 'sanctioned', 'exited'] as const;
export type Stage = (typeof STAGES)[number];

export type StageAction =
  | 'extend'
  | 'rectify'
  | 'order_exit'
  | 'complete_exit'
  | 'report_dismantled'
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
  // A sealed exit stays exited; the report only ends its time limit for dismantling.
  report_dismantled: { exited: 'exited' },
  notify: { exit_ordered: 'notified' },
  sanction: { notified: 'sanctioned' },
  uphold_objection: { notified: 'previous' },
  reject_objection: { notified: 'notified' },
};

/**
 * Moves that open again once an upheld objection has set aside the notice of the current exit deadline: the
 * department acts on the case from where it returned, with a new exit order or an extension of that deadline.
 */
const AFTER_UPHELD_OBJECTION: Partial<Record<StageAction, Partial<Record<Stage, Stage>>>> = {
  extend: { exit_ordered: 'exit_ordered' },
  order_exit: { exit_ordered: 'exit_ordered' },
};

export class IllegalStageChange extends ApiError {
  constructor(current: Stage, action: StageAction) {
    const afterObjection = Object.keys(AFTER_UPHELD_OBJECTION[action] ?? {});
    super(
      HttpStatus.CONFLICT,
      'ILLEGAL_STAGE_CHANGE',
      `cannot ${action.replace(/_/g, ' ')}: the obligation is at stage ${current}` +
        (afterObjection.includes(current) ? ` (at ${current} only after an upheld objection to the notice of its deadline)` : ''),
      {
        currentStage: current,
        action,
        allowedFrom: Object.keys(TRANSITIONS[action]),
        ...(afterObjection.length ? { allowedAfterUpheldObjection: afterObjection } : {}),
      },
    );
  }
}

/**
 * The stage an action leads to from the current one; throws 409 naming the current stage when illegal.
 * `reopened`: an upheld objection set aside the notice of the case's current deadline.
 */
export function nextStage(current: Stage, action: StageAction, previous: Stage | null, reopened = false): Stage {
  const target = TRANSITIONS[action][current] ?? (reopened ? AFTER_UPHELD_OBJECTION[action]?.[current] : undefined);
  if (!target) throw new IllegalStageChange(current, action);
  if (target === 'previous') return previous ?? 'exit_ordered';
  return target;
}

export function canMove(current: Stage, action: StageAction, reopened = false): boolean {
  return TRANSITIONS[action][current] !== undefined || (reopened && AFTER_UPHELD_OBJECTION[action]?.[current] !== undefined);
}
