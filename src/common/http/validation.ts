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

/** How far the input check looks into a request's JSON before any validator or transformer recurses into it. */
export interface InputLimits {
  /** Deepest nesting of objects and arrays accepted. */
  maxDepth: number;
  /** Longest array accepted anywhere in the input; DTOs set tighter bounds of their own. */
  maxArrayLength: number;
}

// A lone surrogate (half of a UTF-16 pair) is not text: PostgreSQL refuses it, as a 500 deep inside a query.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The first problem with a request's body, query or parameters that no DTO can express: nesting or an array
 * beyond the limits, a NUL character (PostgreSQL cannot store one in text or jsonb), a lone surrogate. The walk
 * keeps its own stack, so a hostile 10,000-level body cannot exhaust the process's. Null when there is none.
 */
export function inputProblem(value: unknown, limits: InputLimits, root = '', whole = 'body'): FieldProblem | null {
  const stack: Array<[unknown, string, number]> = [[value, root, 0]];
  while (stack.length) {
    const [node, path, depth] = stack.pop()!;
    const field = path || whole;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return { field, message: 'must not contain the NUL character' };
      if (LONE_SURROGATE.test(node)) return { field, message: 'must be well-formed text (it holds half of a UTF-16 surrogate pair)' };
      continue;
    }
    // Raw bodies (CSV, NDJSON imports) are parsed and checked by their own readers, not byte by byte here.
    if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node)) continue;
    if (depth >= limits.maxDepth) return { field, message: `nests deeper than ${limits.maxDepth} levels` };
    if (Array.isArray(node) && node.length > limits.maxArrayLength) return { field, message: `has more than ${limits.maxArrayLength} elements` };
    for (const [key, child] of Object.entries(node)) {
      if (LONE_SURROGATE.test(key)) return { field, message: 'has a key that is not well-formed text' };
      stack.push([child, path ? `${path}.${key}` : key, depth + 1]);
    }
  }
  return null;
}

class StrictValidationPipe extends ValidationPipe {
  constructor(
    private readonly limits: InputLimits,
    options: ConstructorParameters<typeof ValidationPipe>[0],
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const problem = inputProblem(value, this.limits, metadata.type === 'body' ? '' : (metadata.data ?? ''), metadata.type);
      if (problem) throw new ValidationFailed([problem]);
    }
    return super.transform(value, metadata);
  }
}

/** Strict input: unknown fields and wrong types are errors that name the field. */
export function createValidationPipe(limits: InputLimits): ValidationPipe {
  return new StrictValidationPipe(limits, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new ValidationFailed(fieldProblems(errors)),
  });
}
