import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
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

/** The first path holding a string with a NUL character, '' for the value itself, or null when there is none. */
export function nulPath(value: unknown, prefix = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? prefix : null;
  // Raw bodies (CSV, NDJSON imports) are parsed and checked by their own readers, not byte by byte here.
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return null;
  for (const [key, child] of Object.entries(value)) {
    const found = nulPath(child, prefix ? `${prefix}.${key}` : key);
    if (found !== null) return found;
  }
  return null;
}

// PostgreSQL cannot store NUL in text or jsonb, so such a value would fail as a 500 deep inside a query.
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const path = nulPath(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
      if (path !== null) throw new ValidationFailed([{ field: path || metadata.type, message: 'must not contain the NUL character' }]);
    }
    return super.transform(value, metadata);
  }
}

/** Strict input: unknown fields and wrong types are errors that name the field. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new ValidationFailed(fieldProblems(errors)),
  });
}
