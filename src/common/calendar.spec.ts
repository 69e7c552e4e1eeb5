import { addDays, addMonths, civilDateAt, isCivilDate, isOverdue } from './calendar';

describe('calendar', () => {
  it('adds calendar months with month-end clamp', () => {
    expect(addMonths('2024-03-31', 6)).toBe('2024-09-30');
    expect(addMonths('2020-03-31', 6)).toBe('2020-09-30');
    expect(addMonths('2024-08-31', 6)).toBe('2025-02-28');
    expect(addMonths('2023-08-31', 6)).toBe('2024-02-29');
    expect(addMonths('2024-01-15', 3)).toBe('2024-04-15');
    expect(addMonths('2024-11-30', 3)).toBe('2025-02-28');
    expect(addMonths('2024-12-31', 1)).toBe('2025-01-31');
    expect(addMonths('2025-01-31', -2)).toBe('2024-11-30');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2024-12-25', 10)).toBe('2025-01-04');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('recognises only real calendar dates', () => {
    expect(isCivilDate('2024-02-29')).toBe(true);
    expect(isCivilDate('2023-02-29')).toBe(false);
    expect(isCivilDate('2024-13-01')).toBe(false);
    expect(isCivilDate('2024-1-01')).toBe(false);
    expect(isCivilDate('not a date')).toBe(false);
    expect(isCivilDate(20240101)).toBe(false);
  });

  it('reads the civil date in the jurisdiction, not in UTC', () => {
    expect(civilDateAt(new Date('2024-09-30T15:59:59Z'), 'Asia/Shanghai')).toBe('2024-09-30');
    expect(civilDateAt(new Date('2024-09-30T16:00:00Z'), 'Asia/Shanghai')).toBe('2024-10-01');
  });

  it('treats the deadline day itself as not overdue and the next local midnight as overdue', () => {
    expect(isOverdue('2024-09-30', new Date('2024-09-30T15:59:59.999Z'), 'Asia/Shanghai')).toBe(false);
    expect(isOverdue('2024-09-30', new Date('2024-09-30T16:00:00Z'), 'Asia/Shanghai')).toBe(true);
  });
});
