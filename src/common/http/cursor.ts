import { ValidationFailed } from './api-error';

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * `accept` checks each part's shape (an instant, a uuid): a hand-made cursor would otherwise reach the
 * database as a value its column type rejects.
 */
export function decodeCursor(cursor: string | undefined, arity: number, accept?: (key: unknown[]) => boolean): unknown[] | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((k) => (typeof k === 'string' && !k.includes('\u0000')) || typeof k === 'number') && (accept?.(key) ?? true)) {
      return key;
    }
  } catch {
    // falls through to the error below
  }
  throw new ValidationFailed([{ field: 'cursor', message: 'not a cursor this API issued' }]);
}

/** A cursor part written by Date.toISOString(). */
export function isIsoInstant(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && !Number.isNaN(Date.parse(value));
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
