import { registerDecorator, ValidationOptions } from 'class-validator';
import { isCivilDate } from '../calendar';

/** A real calendar date written YYYY-MM-DD. */
export function IsCivilDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCivilDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'must be a calendar date written YYYY-MM-DD', ...options },
      validator: { validate: (value: unknown) => isCivilDate(value) },
    });
}

/** Text that is more than whitespace: names and case numbers are trimmed or compared, so "  " would mean nothing. */
export function IsNotBlank(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isNotBlank',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'must not be blank', ...options },
      validator: { validate: (value: unknown) => typeof value !== 'string' || value.trim().length > 0 },
    });
}
