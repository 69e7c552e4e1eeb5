import { ValidationFailed } from '../common/http/api-error';
import { resolveWindow } from './reporting-window';

describe('reporting window', () => {
  const today = '2025-06-01';

  it('maps the presets onto the reporting calendar of the given year', () => {
    expect(resolveWindow({ preset: 'june', year: 2024 }, today)).toEqual({ from: '2024-01-01', to: '2024-05-31' });
    expect(resolveWindow({ preset: 'december', year: 2024 }, today)).toEqual({ from: '2024-06-01', to: '2024-11-30' });
    expect(resolveWindow({ preset: 'year', year: 2024 }, today)).toEqual({ from: '2024-01-01', to: '2024-12-31' });
  });

  it('takes the current year when a preset comes without one', () => {
    expect(resolveWindow({ preset: 'december' }, '2026-12-20')).toEqual({ from: '2026-06-01', to: '2026-11-30' });
  });

  it('passes from and to through, a single day included', () => {
    expect(resolveWindow({ from: '2025-03-01', to: '2025-03-01' }, today)).toEqual({ from: '2025-03-01', to: '2025-03-01' });
  });

  const fieldsOf = (request: Parameters<typeof resolveWindow>[0]) => {
    try {
      resolveWindow(request, today);
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationFailed);
      return ((e as ValidationFailed).details as Array<{ field: string }>).map((p) => p.field);
    }
    throw new Error('expected a ValidationFailed');
  };

  it('names the field that is wrong', () => {
    expect(fieldsOf({ from: '2025-05-02', to: '2025-05-01' })).toEqual(['from']);
    expect(fieldsOf({ from: '2025-05-02' })).toEqual(['to']);
    expect(fieldsOf({})).toEqual(['from', 'to']);
    expect(fieldsOf({ preset: 'june', from: '2025-01-01' })).toEqual(['preset']);
    expect(fieldsOf({ year: 2025, from: '2025-01-01', to: '2025-02-01' })).toEqual(['year']);
  });
});
