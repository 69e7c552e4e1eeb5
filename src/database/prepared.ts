import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Runs a statement that each pooled connection keeps prepared under `name`: parsed and planned once rather
 * than on every call, which is most of the cost of a short statement run thousands of times a second. Only
 * for statements outside a transaction; `name` must always go with the same text.
 */
export async function queryPrepared<T extends QueryResultRow>(dataSource: DataSource, name: string, text: string, values: unknown[]): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  return (await pool.query<T>({ name, text, values })).rows;
}
