import { registerDecorator, ValidationOptions } from 'class-validator';
import { daysInMonth } from '../../common/calendar';

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/i;

/**
 * An ISO 8601 instant that says its offset (without one, which moment is meant depends on the server), on a real
 * calendar day (Date.parse rolls 30 February over into March) and within the years PostgreSQL and the lists use.
 */
export function isInstant(value: unknown): value is string {
  const m = typeof value === 'string' ? INSTANT.exec(value) : null;
  if (!m) return false;
  const [y, mo, d, h, mi, s = '0', , oh = '0', om = '0'] = m.slice(1);
  const year = Number(y);
  const month = Number(mo);
  return (
    year >= 1900 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    Number(d) >= 1 &&
    Number(d) <= daysInMonth(year, month) &&
    Number(h) <= 23 &&
    Number(mi) <= 59 &&
    Number(s) <= 59 &&
    Number(oh) <= 14 &&
    Number(om) <= 59
  );
}

export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'must be an ISO 8601 instant with an offset on a real calendar day between 1900 and 9999, e.g. 2025-06-01T08:00:00+08:00', ...options },
      validator: { validate: (value: unknown) => isInstant(value) },
    });
}
