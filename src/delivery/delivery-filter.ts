/** How operators select deliveries: for listings, and for a bulk retry. */
export interface DeliveryFilter {
  status?: string[];
  target?: string;
  since?: string;
  until?: string;
  httpStatus?: number;
  error?: string;
  recordId?: string;
}

/** Appends the filter's conditions on deliveries to `where`, its values to `params`. */
export function filterSql(f: DeliveryFilter, where: string[], params: unknown[]): void {
  if (f.status?.length) where.push(`status = ANY($${params.push(f.status)}::text[])`);
  if (f.target !== undefined) where.push(`target = $${params.push(f.target)}`);
  if (f.since !== undefined) where.push(`created_at >= $${params.push(f.since)}::timestamptz`);
  if (f.until !== undefined) where.push(`created_at < $${params.push(f.until)}::timestamptz`);
  if (f.httpStatus !== undefined) where.push(`last_http_status = $${params.push(f.httpStatus)}`);
  if (f.error !== undefined) where.push(`last_error ILIKE $${params.push(`%${escapeLike(f.error)}%`)}`);
  if (f.recordId !== undefined) where.push(`record_id = $${params.push(f.recordId.toUpperCase())}`);
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
