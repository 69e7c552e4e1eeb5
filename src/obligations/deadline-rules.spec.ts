import { loadConfig } from '../config/load-config';
import { DeadlineRules, RuleViolation } from './deadline-rules';

describe('deadline rules from the default config', () => {
  const rules = new DeadlineRules(loadConfig({ env: {} }).dimensions);

  it('gives energy and quality six months, clamped at month end', () => {
    expect(rules.defaultDeadline('energy', '2024-03-31')).toBe('2024-09-30');
    expect(rules.defaultDeadline('quality', '2024-08-31')).toBe('2025-02-28');
  });

  it('leaves the deadline to the order in environment, safety and technology', () => {
    expect(rules.defaultDeadline('environment', '2024-03-31')).toBeNull();
    expect(rules.defaultDeadline('safety', '2024-03-31')).toBeNull();
    expect(rules.defaultDeadline('technology', '2024-03-31')).toBeNull();
  });

  const energy = { deadline: '2024-09-30', extendedTo: null, extensionCount: 0 };

  it('allows one energy extension of at most three months past the original deadline', () => {
    expect(() => rules.checkExtension('energy', energy, '2024-12-30')).not.toThrow();
    expect(() => rules.checkExtension('energy', energy, '2024-12-31')).toThrow(/at most 3 month\(s\).*2024-12-30/);
    expect(() => rules.checkExtension('energy', { ...energy, extendedTo: '2024-11-30', extensionCount: 1 }, '2024-12-15')).toThrow(
      /already used/,
    );
  });

  it('refuses an extension that does not move the deadline later', () => {
    expect(() => rules.checkExtension('energy', energy, '2024-09-30')).toThrow(/after the current deadline/);
  });

  it('refuses any extension where the dimension has none, with 422', () => {
    try {
      rules.checkExtension('quality', energy, '2024-10-30');
      fail('expected a rule violation');
    } catch (e) {
      expect(e).toBeInstanceOf(RuleViolation);
      expect((e as RuleViolation).getStatus()).toBe(422);
    }
  });

  it('computes notice and repair windows per dimension', () => {
    expect(rules.noticeEndsOn('energy', '2024-12-25')).toBe('2025-01-04');
    expect(rules.repairWindow('energy', '2024-01-31')).toEqual({ minimumEndsOn: '2024-04-30', publicationEndsOn: '2027-01-31' });
    expect(rules.repairWindow('safety', '2024-02-29').minimumEndsOn).toBe('2025-02-28');
  });

  it('takes an extension applied for on the deadline day and refuses one applied for the day after', () => {
    expect(() => rules.checkApplication('2025-07-31', '2025-07-31')).not.toThrow();
    expect(() => rules.checkApplication('2025-08-01', '2025-07-31')).toThrow(/on or before the deadline it extends \(2025-07-31\)/);
  });

  it('takes an objection from the day notice was given to the day before the record may be issued', () => {
    // Notice given 2024-12-25, ten days: the record may be issued on 2025-01-04.
    expect(() => rules.checkObjection('energy', '2024-12-25', '2024-12-25')).not.toThrow();
    expect(() => rules.checkObjection('energy', '2024-12-25', '2025-01-03')).not.toThrow();
    expect(() => rules.checkObjection('energy', '2024-12-25', '2025-01-04')).toThrow(/ended on 2025-01-03/);
    expect(() => rules.checkObjection('energy', '2024-12-25', '2024-12-24')).toThrow(/before the notice was given/);
  });

  it('names every broken rule at once with 422', () => {
    const e = new RuleViolation([
      { field: 'issuedOn', message: 'must not be after today (2025-06-01)' },
      { field: 'deadline', message: 'too late' },
    ]);
    expect(e.getStatus()).toBe(422);
    expect(e.message).toBe('issuedOn: must not be after today (2025-06-01); deadline: too late');
    expect(e.details).toHaveLength(2);
  });
});
