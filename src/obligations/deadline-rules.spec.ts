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
});
