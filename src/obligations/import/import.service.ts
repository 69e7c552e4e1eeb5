import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { ApiError, FieldProblem, ValidationFailed } from '../../common/http/api-error';
import { fieldProblems } from '../../common/http/validation';
import { Clock } from '../../common/clock';
import { yieldEvery } from '../../common/cooperative';
import { Jurisdiction } from '../../common/jurisdiction';
import { AppConfig } from '../../config/config.schema';
import { EnterpriseEntity, sameMasterData } from '../../enterprises/enterprise.entity';
import { EnterprisesRepository } from '../../enterprises/enterprises.repository';
import { EnterprisesService } from '../../enterprises/enterprises.service';
import type { Principal } from '../../principals/principal';
import type { ObligationEntity } from '../obligation.entity';
import { snapshot } from '../obligation.mapper';
import type { NewObligation } from '../obligations.repository';
import { assertSameCase, countyMismatch, ObligationsService } from '../obligations.service';
import { ImportResultDto, ImportRowDto } from './import.dto';
import { CodeNames, csvField, decodeBody, ImportFormat, nulField, parseCsv, parseNdjson, ParsedRow } from './import.parser';
import { ImportRepository, refKey } from './import.repository';

/** Above this many rows the answer carries counts only, so it stays small. */
const MAX_IDS_IN_RESULT = 999;

interface CheckedRow {
  line: number;
  obligation: NewObligation;
  enterprise?: EnterpriseEntity;
}

/** Collects every problem of a file before anything is written, each tied to its line. */
class Problems {
  readonly list: FieldProblem[] = [];
  constructor(private readonly format: ImportFormat) {}

  add(line: number, field: string, message: string): void {
    this.list.push({ line, field: this.format === 'csv' ? csvField(field) : field, message });
  }

  /** Keeps the field named by an ApiError (ValidationFailed details, or the "field: message" text). */
  addError(line: number, error: unknown): void {
    if (!(error instanceof ApiError)) throw error;
    const details = error.details;
    if (Array.isArray(details) && details.every((d) => d && typeof d.field === 'string')) {
      for (const d of details as FieldProblem[]) this.add(line, d.field, d.message);
      return;
    }
    const text = (error.getResponse() as { message: string }).message;
    const colon = text.indexOf(': ');
    if (colon > 0 && !text.slice(0, colon).includes(' ')) this.add(line, text.slice(0, colon), text.slice(colon + 2));
    else this.add(line, 'body', text);
  }
}

/**
 * POST /v1/obligations:import. All or nothing: every row is checked with the rules of POST /v1/obligations
 * (and scope failures are reported as line problems like any other, so one answer lists all that is wrong),
 * then the whole file is written in one transaction with set-based statements.
 */
@Injectable()
export class ObligationImportService {
  private readonly names: CodeNames;

  constructor(
    private readonly imports: ImportRepository,
    private readonly obligations: ObligationsService,
    private readonly enterprises: EnterprisesService,
    private readonly register: EnterprisesRepository,
    private readonly jurisdiction: Jurisdiction,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    const j = config.jurisdiction;
    this.names = {
      departments: new Map(j.departments.map((d) => [d.name, d.code])),
      counties: new Map(j.counties.map((c) => [c.name, c.code])),
    };
  }

  async import(body: unknown, contentType: string | undefined, principal: Principal): Promise<{ result: ImportResultDto; created: boolean }> {
    const { format, text } = decodeBody(body, contentType);
    const maxLine = this.config.http.importMaxLineChars;
    const parsed = format === 'csv' ? await parseCsv(text, maxLine, this.names) : await parseNdjson(text, maxLine);
    const maxRows = this.config.http.importMaxRows;
    if (parsed.rows.length + parsed.problems.length > maxRows) {
      throw new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, 'TOO_MANY_ROWS', `body: more than ${maxRows} rows; split the file`, [
        { field: 'body', message: `more than ${maxRows} rows` },
      ]);
    }
    if (parsed.rows.length + parsed.problems.length === 0) throw new ValidationFailed([{ field: 'body', message: 'has no rows' }]);
    const problems = new Problems(format);
    problems.list.push(...parsed.problems);
    const rows: CheckedRow[] = [];
    // Checking is CPU work: turns of the event loop in between keep every other request served meanwhile.
    const slice = yieldEvery();
    for (const row of parsed.rows) {
      const checked = this.check(row, principal, problems);
      if (checked) rows.push(checked);
      await slice();
    }
    const enterprises = inlineEnterprises(rows, problems);
    const firstLineOf = duplicateRefs(rows, problems);

    return this.imports.transaction(async (manager) => {
      const known = await this.register.findMany([...new Set(rows.map((r) => r.obligation.uscc))], manager);
      this.checkEnterprises(rows, known, enterprises, principal, problems);
      const existing = await this.existingCases(manager, rows, firstLineOf, problems, principal);
      if (problems.list.length) throw rejection(problems.list);
      return this.write(manager, rows, { known, inline: enterprises }, existing, principal);
    });
  }

  private async write(
    manager: EntityManager,
    rows: CheckedRow[],
    enterprises: { known: Map<string, EnterpriseEntity>; inline: Map<string, EnterpriseEntity> },
    existing: Map<string, ObligationEntity>,
    principal: Principal,
  ): Promise<{ result: ImportResultDto; created: boolean }> {
    const { known, inline } = enterprises;
    const changed = [...inline.values()].filter((e) => !known.has(e.uscc) || !sameMasterData(known.get(e.uscc)!, e));
    const enterprisesCreated = await this.register.save(manager, changed, known, principal, this.clock.now());
    const keyOf = (r: CheckedRow) => refKey(r.obligation.department, r.obligation.externalRef);
    const fresh = rows.filter((r) => !existing.has(keyOf(r))).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
    const ids = await this.imports.insertObligations(manager, fresh.map((r) => r.obligation));
    if (ids.size !== fresh.length) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        'IMPORT_RACE',
        'externalRef: another request created some of these cases meanwhile; nothing was imported, retry (cases already present are skipped)',
      );
    }
    await this.imports.insertCreatedEvents(
      manager,
      fresh.map((r) => {
        const id = ids.get(keyOf(r))!;
        const after = snapshot(asEntity(id, r.obligation));
        return { obligationId: id, action: 'created', actorId: principal.id, actorName: principal.name, at: r.obligation.createdAt, before: null, after, details: null };
      }),
    );
    const result: ImportResultDto = { imported: fresh.length, skipped: rows.length - fresh.length, enterprisesCreated };
    if (rows.length <= MAX_IDS_IN_RESULT) result.obligationIds = rows.map((r) => ids.get(keyOf(r)) ?? existing.get(keyOf(r))!.id);
    return { result, created: fresh.length > 0 || enterprisesCreated > 0 };
  }

  /**
   * Every row's enterprise is registered or given in the file; an inline one may change a known register only as
   * POST /v1/enterprises would let this key; and the case's county is the enterprise's.
   */
  private checkEnterprises(
    rows: CheckedRow[],
    known: Map<string, EnterpriseEntity>,
    inline: Map<string, EnterpriseEntity>,
    principal: Principal,
    problems: Problems,
  ): void {
    for (const row of rows) {
      const stored = known.get(row.obligation.uscc);
      const enterprise = inline.get(row.obligation.uscc) ?? stored;
      if (!enterprise) {
        problems.add(row.line, 'uscc', `no enterprise ${row.obligation.uscc} is registered; register it first or give its name and industry`);
        continue;
      }
      if (row.enterprise && stored && !principal.mayActInCounty(stored.county)) {
        problems.add(row.line, 'enterprise.county', `this key may not act in county ${stored.county}, where the enterprise is registered`);
      } else if (row.enterprise) {
        const refused = this.enterprises.masterDataRefusal(stored, row.enterprise, principal);
        if (refused) problems.add(row.line, 'enterprise', refused);
      }
      if (enterprise.county !== row.obligation.county) problems.add(row.line, 'county', countyMismatch(enterprise));
    }
  }

  /** The checks of POST /v1/obligations (and of POST /v1/enterprises for an inline enterprise), for one row. */
  private check(row: ParsedRow, principal: Principal, problems: Problems): CheckedRow | null {
    const nul = nulField(row.record);
    if (nul !== null) {
      problems.add(row.line, nul || 'body', 'must not contain the NUL character');
      return null;
    }
    const dto = plainToInstance(ImportRowDto, row.record);
    const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    if (errors.length) {
      for (const p of fieldProblems(errors)) problems.add(row.line, p.field, p.message);
      return null;
    }
    let obligation: NewObligation;
    try {
      obligation = this.obligations.prepare(dto, principal, row.line);
    } catch (e) {
      problems.addError(row.line, e);
      return null;
    }
    if (!dto.enterprise) return { line: row.line, obligation };
    const county = dto.enterprise.county ?? dto.county;
    const countyProblem =
      this.jurisdiction.countyProblem('enterprise.county', county) ??
      (principal.mayActInCounty(county) ? null : { field: 'enterprise.county', message: `this key may not act in county ${county}` });
    if (countyProblem) {
      problems.add(row.line, countyProblem.field, countyProblem.message);
      return null;
    }
    const enterprise = this.enterprises.toEntity({ uscc: dto.uscc, name: dto.enterprise.name, industry: dto.enterprise.industry, county });
    return { line: row.line, obligation, enterprise };
  }

  /** Cases already stored: the same content is skipped, different content is a line problem. */
  private async existingCases(
    manager: EntityManager,
    rows: CheckedRow[],
    firstLineOf: Map<string, number>,
    problems: Problems,
    principal: Principal,
  ): Promise<Map<string, ObligationEntity>> {
    const firstRows = rows.filter((r) => firstLineOf.get(refKey(r.obligation.department, r.obligation.externalRef)) === r.line);
    const found = await this.imports.obligationsByRef(manager, firstRows.map((r) => r.obligation));
    const existing = new Map(found.map((o) => [refKey(o.department, o.externalRef), o]));
    for (const row of rows) {
      const stored = existing.get(refKey(row.obligation.department, row.obligation.externalRef));
      if (!stored) continue;
      try {
        assertSameCase(stored, row.obligation, principal);
      } catch (e) {
        problems.addError(row.line, e);
      }
    }
    return existing;
  }
}

/** The enterprises given inline, one per code; a code given twice must say the same both times. */
function inlineEnterprises(rows: CheckedRow[], problems: Problems): Map<string, EnterpriseEntity> {
  const byUscc = new Map<string, { line: number; entity: EnterpriseEntity }>();
  for (const row of rows) {
    if (!row.enterprise) continue;
    const first = byUscc.get(row.enterprise.uscc);
    if (!first) byUscc.set(row.enterprise.uscc, { line: row.line, entity: row.enterprise });
    else if (first.entity.name !== row.enterprise.name || first.entity.industry !== row.enterprise.industry || first.entity.county !== row.enterprise.county) {
      problems.add(row.line, 'enterprise', `differs from the enterprise ${row.enterprise.uscc} given on line ${first.line}`);
    }
  }
  return new Map([...byUscc].map(([uscc, { entity }]) => [uscc, entity]));
}

/** Each case once per file; returns the line where each (department, externalRef) first appears. */
function duplicateRefs(rows: CheckedRow[], problems: Problems): Map<string, number> {
  const firstLineOf = new Map<string, number>();
  for (const row of rows) {
    const key = refKey(row.obligation.department, row.obligation.externalRef);
    const first = firstLineOf.get(key);
    if (first === undefined) firstLineOf.set(key, row.line);
    else problems.add(row.line, 'externalRef', `repeats line ${first}: ${row.obligation.externalRef} of ${row.obligation.department}`);
  }
  return firstLineOf;
}

/** Problems listed in a refusal; the count covers them all. A file with more needs fixing at its source anyway. */
const LISTED_PROBLEMS = 1000;

function rejection(problems: FieldProblem[]): HttpException {
  const sorted = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const lines = new Set(sorted.map((p) => p.line)).size;
  const first = sorted[0];
  const listed = sorted.length > LISTED_PROBLEMS ? ` (the first ${LISTED_PROBLEMS} are listed)` : '';
  return new ValidationFailed(
    sorted.slice(0, LISTED_PROBLEMS),
    `${sorted.length} problem(s) on ${lines} line(s), nothing was imported${listed}; first: line ${first.line}: ${first.field}: ${first.message}`,
  );
}

/** The stored row as the single create reads it back, for the history snapshot. */
function asEntity(id: string, o: NewObligation): ObligationEntity {
  return { ...o, id, effectiveDeadline: o.extendedTo ?? o.deadline };
}
