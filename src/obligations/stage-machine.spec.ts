import { canMove, IllegalStageChange, nextStage, STAGES, StageAction } from './stage-machine';

describe('stage machine', () => {
  it('follows the legal path to a sanction and out again', () => {
    expect(nextStage('rectification', 'order_exit', null)).toBe('exit_ordered');
    expect(nextStage('exit_ordered', 'notify', null)).toBe('notified');
    expect(nextStage('notified', 'sanction', null)).toBe('sanctioned');
    expect(nextStage('sanctioned', 'complete_exit', null)).toBe('exited');
  });

  it('lets rectification end the case and an exit close it before notice', () => {
    expect(nextStage('rectification', 'rectify', null)).toBe('rectified');
    expect(nextStage('exit_ordered', 'complete_exit', null)).toBe('exited');
  });

  it('returns an upheld objection to the previous stage and keeps a rejected one in notice', () => {
    expect(nextStage('notified', 'uphold_objection', 'exit_ordered')).toBe('exit_ordered');
    expect(nextStage('notified', 'reject_objection', 'exit_ordered')).toBe('notified');
  });

  it('allows extensions only during rectification, unless an upheld objection reopened the exit deadline', () => {
    expect(nextStage('rectification', 'extend', null)).toBe('rectification');
    expect(canMove('exit_ordered', 'extend')).toBe(false);
    expect(nextStage('exit_ordered', 'extend', null, true)).toBe('exit_ordered');
  });

  it('opens a new exit order at exit_ordered only after an upheld objection, and never elsewhere', () => {
    expect(() => nextStage('exit_ordered', 'order_exit', null)).toThrow(IllegalStageChange);
    expect(nextStage('exit_ordered', 'order_exit', 'notified', true)).toBe('exit_ordered');
    for (const stage of ['notified', 'sanctioned', 'exited', 'rectified'] as const) {
      expect(canMove(stage, 'order_exit', true)).toBe(false);
      expect(canMove(stage, 'extend', true)).toBe(false);
    }
    try {
      nextStage('exit_ordered', 'order_exit', null);
      fail('expected a conflict');
    } catch (e) {
      expect((e as IllegalStageChange).message).toContain('only after an upheld objection');
    }
  });

  it('takes a dismantling report only once exited', () => {
    expect(nextStage('exited', 'report_dismantled', 'sanctioned')).toBe('exited');
    expect(STAGES.filter((s) => canMove(s, 'report_dismantled'))).toEqual(['exited']);
  });

  it('rejects every move out of a final stage, naming the current stage', () => {
    const actions: StageAction[] = ['extend', 'rectify', 'order_exit', 'complete_exit', 'notify', 'sanction', 'uphold_objection'];
    for (const stage of ['rectified', 'exited'] as const) {
      for (const action of actions) {
        expect(() => nextStage(stage, action, null)).toThrow(IllegalStageChange);
        expect(() => nextStage(stage, action, null, true)).toThrow(IllegalStageChange);
      }
    }
    expect(() => nextStage('rectified', 'report_dismantled', null)).toThrow(IllegalStageChange);
    try {
      nextStage('sanctioned', 'rectify', null);
      fail('expected a conflict');
    } catch (e) {
      expect((e as IllegalStageChange).getStatus()).toBe(409);
      expect((e as IllegalStageChange).message).toContain('sanctioned');
    }
  });

  it('never skips notice: no direct path from an exit order to a sanction', () => {
    expect(canMove('exit_ordered', 'sanction')).toBe(false);
    expect(canMove('rectification', 'sanction')).toBe(false);
    expect(STAGES.filter((s) => canMove(s, 'sanction'))).toEqual(['notified']);
  });
});
