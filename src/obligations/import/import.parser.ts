import { HttpStatus } from '@nestjs/common';
import { parse } from 'csv-parse';
import { isUtf8 } from 'node:buffer';
import { once } from 'node:events';
import { yieldEvery } from '../../common/cooperative';
import { ApiError, FieldProblem, ValidationFailed } from '../../common/http/api-error';

export type ImportFormat = 'csv' | 'ndjson';

/** One data row as a plain object shaped like ImportRowDto, with the line of the file it starts on. */
export interface ParsedRow {
  line: number;
  record: Record<string, unknown>;
}

/** Rows that could be read, and line problems found while reading (bad JSON, wrong field count). */
export interface ParsedFile {
  rows: ParsedRow[];
  problems: FieldProblem[];
}

/** Names a CSV may use instead of configured codes, e.g. 工业和信息化局 for industry_it. */
export interface CodeNames {
  departments?: ReadonlyMap<string, string>;
  counties?: ReadonlyMap<string, string>;
}

/**
 * CSV columns: the English name (any letter case) or one of its Chinese aliases.
 *
 * | column | Chinese | required |
 * |---|---|---|
 * | uscc | 统一社会信用代码, 信用代码 | yes |
 * | enterpriseName | 企业名称 | with industry, to register the enterprise inline |
 * | industry | 行业 | with enterpriseName |
 * | enterpriseCounty | 企业所在县区, 企业县区 | no: defaults to county |
 * | dimension | 维度 | yes (energy or 能耗, environment/环保, quality/质量, safety/安全, technology/技术) |
 * | department | 责任部门 | yes (code or configured name) |
 * | county | 县区 | yes (code or configured name) |
 * | basis | 依据 | yes |
 * | issuedOn | 下达日期 | yes, YYYY-MM-DD |
 * | deadline | 期限 | no: computed from the rules |
 * | stage | 阶段 | no: rectification/整改 (default) or exit_ordered/责令退出 |
 * | externalRef | 案件编号 | yes |
 * | equipment | 设备 | yes |
 * | line | 生产线 | no |
 * | amount | 产能 | yes, a number |
 * | unit | 单位 | yes |
 *
 * Industry values: steel/钢铁, cement/水泥, flat_glass/平板玻璃, coal_power/煤电/煤电机组, other/其他.
 * Empty cells count as absent.
 */
export const CSV_COLUMNS: Record<string, readonly string[]> = {
  uscc: ['统一社会信用代码', '信用代码'],
  enterpriseName: ['企业名称'],
  industry: ['行业'],
  enterpriseCounty: ['企业所在县区', '企业县区'],
  dimension: ['维度'],
  department: ['责任部门'],
  county: ['县区'],
  basis: ['依据'],
  issuedOn: ['下达日期'],
  deadline: ['期限'],
  stage: ['阶段'],
  externalRef: ['案件编号'],
  equipment: ['设备'],
  line: ['生产线'],
  amount: ['产能'],
  unit: ['单位'],
};

const REQUIRED_COLUMNS = ['uscc', 'dimension', 'department', 'county', 'basis', 'issuedOn', 'externalRef', 'equipment', 'amount', 'unit'];

const DIMENSION_NAMES: Record<string, string> = { 能耗: 'energy', 环保: 'environment', 质量: 'quality', 安全: 'safety', 技术: 'technology' };
const INDUSTRY_NAMES: Record<string, string> = {
  钢铁: 'steel',
  水泥: 'cement',
  平板玻璃: 'flat_glass',
  煤电: 'coal_power',
  煤电机组: 'coal_power',
  其他: 'other',
};
const STAGE_NAMES: Record<string, string> = { 整改: 'rectification', 责令退出: 'exit_ordered' };

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The format a Content-Type names, and the text of the body in its charset (UTF-8 by default, BOM dropped). */
export function decodeBody(body: unknown, contentType: string | undefined): { format: ImportFormat; text: string } {
  const [essence, ...params] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
  const format: ImportFormat | null =
    essence === 'text/csv' ? 'csv' : essence === 'application/x-ndjson' || essence === 'application/ndjson' ? 'ndjson' : null;
  if (!format || !Buffer.isBuffer(body)) {
    throw new ApiError(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'UNSUPPORTED_MEDIA_TYPE',
      `content-type: must be text/csv or application/x-ndjson, not ${essence || 'missing'}`,
      [{ field: 'content-type', message: 'must be text/csv or application/x-ndjson' }],
    );
  }
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '') ?? 'utf-8';
  // Spreadsheets saved on Chinese-locale Windows write GB18030 (GBK); callers name it in the charset.
  const encoding = ['utf-8', 'utf8'].includes(charset) ? 'utf-8' : ['gb18030', 'gbk', 'gb2312'].includes(charset) ? 'gb18030' : null;
  if (!encoding) {
    throw new ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'UNSUPPORTED_MEDIA_TYPE', `content-type: charset ${charset} is not supported; use utf-8 or gb18030`, [
      { field: 'content-type', message: 'charset must be utf-8 or gb18030' },
    ]);
  }
  const invalid = () => new ValidationFailed([{ field: 'body', message: `is not valid ${encoding}; name the charset in content-type (utf-8 or gb18030)` }]);
  if (encoding === 'utf-8') {
    // Checking and decoding natively is several times faster than TextDecoder on a 30 MB body.
    if (!isUtf8(body)) throw invalid();
    const text = body.toString('utf8');
    return { format, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  }
  try {
    return { format, text: new TextDecoder(encoding, { fatal: true }).decode(body) };
  } catch {
    throw invalid();
  }
}

/**
 * Reading a file runs in slices with a turn of the event loop between them, so a 30 MB import never holds the
 * process: /health and every other request are served while it is read.
 */
const SLICE_CHARS = 16 * 1024;

function lineTooLong(line: number, maxLineChars: number): ValidationFailed {
  return new ValidationFailed([{ line, field: 'body', message: `is longer than ${maxLineChars} characters (http.importMaxLineChars); split it or check the file` }]);
}

/**
 * Refuses a file with a line longer than `maxLineChars`, naming the first such line, before any parsing: a line
 * of commas is millions of empty CSV fields, which no per-field limit of the parser would catch.
 */
async function checkLineLengths(text: string, maxLineChars: number): Promise<void> {
  const slice = yieldEvery();
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    const next = text.indexOf('\n', start);
    const end = next === -1 ? text.length : next;
    if (end - start > maxLineChars) throw lineTooLong(line, maxLineChars);
    start = end + 1;
    await slice();
  }
}

/**
 * One JSON object per line, as for POST /v1/obligations plus an optional `enterprise`; blank lines are skipped.
 * A line over `maxLineChars` stops the reading with its line number.
 */
export async function parseNdjson(text: string, maxLineChars: number): Promise<ParsedFile> {
  await checkLineLengths(text, maxLineChars);
  const rows: ParsedRow[] = [];
  const problems: FieldProblem[] = [];
  const slice = yieldEvery();
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const source = lines[index].trim();
    await slice();
    if (!source) continue;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (e) {
      problems.push({ line, field: 'body', message: `not valid JSON (${(e as Error).message})` });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ line, field: 'body', message: 'must be a JSON object' });
      continue;
    }
    rows.push({ line, record: value as Record<string, unknown> });
  }
  return { rows, problems };
}

type CsvRecord = { record: string[]; info: { lines: number } };

/** The file's records, fed to the parser a slice at a time; a record over `maxLineChars` fails with its line. */
async function csvRecords(text: string, maxLineChars: number): Promise<CsvRecord[]> {
  await checkLineLengths(text, maxLineChars);
  const parser = parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true, max_record_size: maxLineChars });
  const records: CsvRecord[] = [];
  let failure: (Error & { code?: string; lines?: number }) | undefined;
  parser.on('readable', () => {
    for (let r = parser.read(); r !== null; r = parser.read()) records.push(r as CsvRecord);
  });
  // A failed parser emits 'error' and no 'end'.
  const settled = new Promise<void>((resolve) => parser.on('end', resolve).on('error', resolve));
  parser.on('error', (e) => (failure ??= e));
  const slice = yieldEvery();
  for (let i = 0; i < text.length && !failure; i += SLICE_CHARS) {
    // Without waiting for 'drain', written slices pile up and the stream parses the whole backlog in one go.
    if (!parser.write(text.slice(i, i + SLICE_CHARS))) await once(parser, 'drain').catch(() => undefined);
    await slice();
  }
  if (!failure) {
    parser.end();
    await settled;
  }
  if (failure?.code === 'CSV_MAX_RECORD_SIZE') throw lineTooLong(failure.lines ?? 0, maxLineChars);
  if (failure) throw new ValidationFailed([{ line: failure.lines, field: 'body', message: `not readable as CSV (${failure.message})` }]);
  return records;
}

/** A CSV with a header row (line 1); every later non-blank record is one obligation. */
export async function parseCsv(text: string, maxLineChars: number, names: CodeNames = {}): Promise<ParsedFile> {
  const records = await csvRecords(text, maxLineChars);
  if (records.length === 0) return { rows: [], problems: [] };
  const [header, ...data] = records;
  const columns = mapHeader(header.record, header.info.lines);
  const rows: ParsedRow[] = [];
  const problems: FieldProblem[] = [];
  const slice = yieldEvery();
  for (const { record, info } of data) {
    await slice();
    // info.lines is where the record ends; quoted cells may span lines, so count back to where it starts.
    const line = info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    if (record.every((cell) => cell.trim() === '')) continue;
    if (record.length !== columns.length) {
      problems.push({ line, field: 'body', message: `has ${record.length} fields; the header has ${columns.length}` });
      continue;
    }
    const cells: Record<string, string> = {};
    columns.forEach((column, i) => {
      const value = record[i].trim();
      if (value !== '') cells[column] = value;
    });
    rows.push({ line, record: toRecord(cells, names) });
  }
  return { rows, problems };
}

function mapHeader(header: string[], line: number): string[] {
  const byName = new Map<string, string>();
  for (const [column, aliases] of Object.entries(CSV_COLUMNS)) {
    byName.set(column.toLowerCase(), column);
    for (const alias of aliases) byName.set(alias, column);
  }
  const problems: FieldProblem[] = [];
  const columns = header.map((raw) => {
    const name = raw.trim();
    const column = byName.get(name) ?? byName.get(name.toLowerCase());
    if (!column) problems.push({ line, field: name || '(empty header)', message: `unknown column; expected ${Object.keys(CSV_COLUMNS).join(', ')}` });
    return column ?? '';
  });
  columns.forEach((column, i) => {
    if (column && columns.indexOf(column) !== i) problems.push({ line, field: header[i].trim(), message: `repeats column ${column}` });
  });
  for (const required of REQUIRED_COLUMNS) {
    if (!columns.includes(required)) problems.push({ line, field: required, message: `required column missing (${[required, ...CSV_COLUMNS[required]].join(' / ')})` });
  }
  if (problems.length) throw new ValidationFailed(problems);
  return columns;
}

function toRecord(cells: Record<string, string>, names: CodeNames): Record<string, unknown> {
  const { enterpriseName, industry, enterpriseCounty, equipment, line, amount, unit, ...rest } = cells;
  const record: Record<string, unknown> = { ...rest };
  if (rest.dimension) record.dimension = DIMENSION_NAMES[rest.dimension] ?? rest.dimension;
  if (rest.stage) record.stage = STAGE_NAMES[rest.stage] ?? rest.stage;
  if (rest.department) record.department = names.departments?.get(rest.department) ?? rest.department;
  if (rest.county) record.county = names.counties?.get(rest.county) ?? rest.county;
  const item: Record<string, unknown> = { equipment, line, unit, amount: amount !== undefined && NUMBER_RE.test(amount) ? Number(amount) : amount };
  record.capacity = [Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined))];
  if (enterpriseName !== undefined || industry !== undefined || enterpriseCounty !== undefined) {
    const enterprise: Record<string, unknown> = { name: enterpriseName, industry: industry && (INDUSTRY_NAMES[industry] ?? industry) };
    if (enterpriseCounty) enterprise.county = names.counties?.get(enterpriseCounty) ?? enterpriseCounty;
    record.enterprise = enterprise;
  }
  return record;
}

/** The CSV column a DTO path came from, so CSV callers see their own column names. */
export function csvField(path: string): string {
  if (path.startsWith('capacity.0.')) return path.slice('capacity.0.'.length);
  if (path === 'enterprise' || path === 'enterprise.name') return 'enterpriseName';
  if (path === 'enterprise.industry') return 'industry';
  if (path === 'enterprise.county') return 'enterpriseCounty';
  return path;
}

/** The path of the first string holding a NUL character (PostgreSQL text cannot store one), or null. */
export function nulField(value: unknown, prefix = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? prefix : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const found = nulField(child, prefix ? `${prefix}.${key}` : key);
    if (found !== null) return found;
  }
  return null;
}
