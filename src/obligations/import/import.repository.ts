import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ObligationEntity, ObligationEventEntity } from '../obligation.entity';
import type { NewObligation } from '../obligations.repository';

/** Rows per statement: big enough to amortise round trips, small enough to keep each statement's memory modest. */
const CHUNK = 2000;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Set-based reads and writes for bulk import: one statement per chunk of rows. */
@Injectable()
export class ImportRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Obligations already named by these (department, externalRef) pairs. */
  async obligationsByRef(manager: EntityManager, keys: Array<{ department: string; externalRef: string }>): Promise<ObligationEntity[]> {
    const found: ObligationEntity[] = [];
    for (const part of chunks(keys)) {
      found.push(
        ...(await manager
          .createQueryBuilder(ObligationEntity, 'o')
          .where('(o.department, o.external_ref) IN (SELECT * FROM unnest(:departments::text[], :refs::text[]))', {
            departments: part.map((k) => k.department),
            refs: part.map((k) => k.externalRef),
          })
          .getMany()),
      );
    }
    return found;
  }

  /**
   * Inserts the obligations, skipping any (department, externalRef) that appeared since it was checked;
   * returns the new ids keyed by refKey.
   */
  async insertObligations(manager: EntityManager, obligations: NewObligation[]): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const part of chunks(obligations)) {
      const rows = await insertRows<{ id: string; department: string; external_ref: string }>(
        manager,
        ObligationEntity,
        part,
        'ON CONFLICT (department, external_ref) DO NOTHING RETURNING id, department, external_ref',
      );
      for (const r of rows) ids.set(refKey(r.department, r.external_ref), r.id);
    }
    return ids;
  }

  /** One `created` history event per obligation, shaped as the single create writes it. */
  async insertCreatedEvents(manager: EntityManager, events: Array<Omit<ObligationEventEntity, 'id'>>): Promise<void> {
    for (const part of chunks(events)) await insertRows(manager, ObligationEventEntity, part, '');
  }
}

/**
 * INSERT ... SELECT FROM unnest(one array per column): a single bind parameter per column whatever the
 * row count, and several times faster than a VALUES list built by the query builder. The columns come
 * from the entity's metadata, so a column added to the entity is written here too.
 */
async function insertRows<R>(manager: EntityManager, target: new () => object, rows: object[], tail: string): Promise<R[]> {
  const meta = manager.connection.getMetadata(target);
  const columns = meta.columns.filter((c) => c.isInsert && !c.isGenerated && !c.isVirtual);
  const types = columns.map((c) => {
    const type = manager.connection.driver.normalizeType(c);
    // "character[]" would mean char(1)[] and truncate the values; bpchar keeps their length.
    return type === 'character' || type === 'char' ? 'bpchar' : type;
  });
  const params = columns.map((c, i) =>
    rows.map((row) => {
      const value = c.getEntityValue(row as never);
      return types[i] === 'jsonb' || types[i] === 'json' ? (value === null || value === undefined ? null : JSON.stringify(value)) : value ?? null;
    }),
  );
  return manager.query(
    `INSERT INTO ${meta.tableName} (${columns.map((c) => `"${c.databaseName}"`).join(', ')})
     SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) ${tail}`,
    params,
  );
}

/** The identity of a case: a department's own case number. */
export function refKey(department: string, externalRef: string): string {
  return `${department}\u0000${externalRef}`;
}
