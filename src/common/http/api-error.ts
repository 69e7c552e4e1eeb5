import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';

/** One problem with one input field. */
export interface FieldProblem {
  field: string;
  message: string;
  line?: number;
}

/** The error body of DESIGN section 6, with a stable machine code beside the text. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  code?: string;
  message: string;
  details?: unknown;
}

/** Base of every feature's exception: an HTTP status, a stable code, a message and optional details. */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(buildBody(status, message, details, code), status);
  }
}

export function buildBody(status: number, message: string, details?: unknown, code?: string): ErrorBody {
  const body: ErrorBody = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
  if (code) body.code = code;
  if (details !== undefined) body.details = details;
  return body;
}

export class ValidationFailed extends ApiError {
  constructor(problems: FieldProblem[], message?: string) {
    super(
      HttpStatus.BAD_REQUEST,
      'VALIDATION_FAILED',
      message ?? problems.map((p) => `${p.line !== undefined ? `line ${p.line}: ` : ''}${p.field}: ${p.message}`).join('; '),
      problems,
    );
  }
}
