import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { EnterpriseEntity } from '../../enterprises/enterprise.entity';
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

  /** The county of each registered enterprise among the codes. */
  async enterpriseCounties(manager: EntityManager, usccs: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const part of chunks(usccs)) {
      // bpchar[] keeps the comparison on the primary key's own type, so the index is used.
      const rows: Array<{ uscc: string; county: string }> = await manager.query(
        `SELECT uscc, county FROM enterprises WHERE uscc = ANY($1::bpchar[])`,
        [part],
      );
      for (const r of rows) found.set(r.uscc, r.county);
    }
    return found;
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

  /** Inserts or updates each enterprise as POST /v1/enterprises does; returns how many were new. */
  async upsertEnterprises(manager: EntityManager, enterprises: EnterpriseEntity[]): Promise<number> {
    let created = 0;
    for (const part of chunks(enterprises)) {
      const rows: Array<{ created: boolean }> = await manager.query(
        `INSERT INTO enterprises (uscc, name, county, industry, org_code_valid, created_at, updated_at)
         SELECT uscc, name, county, industry, org_code_valid, at, at
           FROM unnest($1::bpchar[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::timestamptz[])
             AS e(uscc, name, county, industry, org_code_valid, at)
         ON CONFLICT (uscc) DO UPDATE SET name = EXCLUDED.name, county = EXCLUDED.county, industry = EXCLUDED.industry,
           updated_at = CASE WHEN (enterprises.name, enterprises.county, enterprises.industry)
                                  IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.county, EXCLUDED.industry)
                             THEN EXCLUDED.updated_at ELSE enterprises.updated_at END
         RETURNING (xmax = 0) AS created`,
        [
          part.map((e) => e.uscc),
          part.map((e) => e.name),
          part.map((e) => e.county),
          part.map((e) => e.industry),
          part.map((e) => e.orgCodeValid),
          part.map((e) => e.createdAt),
        ],
      );
      created += rows.filter((r) => r.created).length;
    }
    return created;
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
