import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, ValidationFailed } from './api-error';

/** Flattens class-validator errors into one problem per field, with dotted paths ("capacity.0.amount"). */
export function fieldProblems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((m) => ({ field, message: stripProperty(m, error.property) }));
    return own.concat(fieldProblems(error.children ?? [], field));
  });
}

function stripProperty(message: string, property: string): string {
  if (message.startsWith('property ') && message.endsWith(' should not exist')) return 'unknown field';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/** Strict input: unknown fields and wrong types are errors that name the field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new ValidationFailed(fieldProblems(errors)),
  });
}
