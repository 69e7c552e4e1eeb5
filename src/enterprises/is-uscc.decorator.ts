import { registerDecorator, ValidationOptions } from 'class-validator';
import { checkUscc, describeUsccProblem } from './uscc';

/** A USCC whose check character matches (GB 32100-2015); the organisation-code check is only a warning. */
export function IsUscc(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isUscc',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && checkUscc(value).valid,
        defaultMessage: (args) => {
          const value = args?.value;
          if (typeof value !== 'string') return 'must be an 18-character unified social credit code';
          return describeUsccProblem(checkUscc(value).problem ?? 'length');
        },
      },
    });
}
