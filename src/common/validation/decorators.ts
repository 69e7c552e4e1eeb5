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
