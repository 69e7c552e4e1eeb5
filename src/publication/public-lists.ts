import type { CsvValue } from './csv';
import type {
  CapacityLineDto,
  CodeNameDto,
  ExitListItemDto,
  ListedEnterpriseDto,
  RedListItemDto,
  SanctionListItemDto,
  YellowListItemDto,
} from './dto/public-lists.dto';
import { DIMENSION_NAMES, EXIT_METHOD_NAMES, INDUSTRY_NAMES, MEASURE_NAMES, nameOf } from './labels';
import type { ListRow } from './publication.repository';

export const LIST_NAMES = ['yellow', 'red', 'exit', 'sanctions'] as const;
export type ListName = (typeof LIST_NAMES)[number];

/** `current`: entries on the list now; `removed`: those that left it (with 移出日期); `all`: both. */
export const LIST_STATES = ['current', 'removed', 'all'] as const;
export type ListState = (typeof LIST_STATES)[number];

export function isListName(value: string): value is ListName {
  return (LIST_NAMES as readonly string[]).includes(value);
}

/** Configured names of counties and departments; an unknown code prints as itself. */
export interface Names {
  county(code: string): string;
  department(code: string): string;
}

export interface ListContext {
  names: Names;
  /** Today in the jurisdiction's zone: a yellow-list entry is overdue after its deadline day. */
  today: string;
}

interface ListDefinition<Item> {
  /** Title for the CSV file name. */
  title: string;
  toItem(row: ListRow, context: ListContext): Item;
  header: string[];
  /** One item may print as several lines (the exit list prints one per piece of equipment). */
  csvRows(item: Item): CsvValue[][];
}

// The national list format's columns (DESIGN section 1) come first on every list.
const ENTRY_HEADER = ['企业名称', '统一社会信用代码', '县区代码', '县区', '维度', '认定部门代码', '认定部门', '认定依据', '列入日期', '移出日期'];
const entryCells = (i: ListedEnterpriseDto): CsvValue[] => [
  i.name,
  i.uscc,
  i.county.code,
  i.county.name,
  i.dimension.name,
  i.department.code,
  i.department.name,
  i.basis,
  i.listedOn,
  i.removedOn,
];

function listed(row: ListRow, { names }: ListContext): ListedEnterpriseDto {
  const county = row.county as string;
  const department = row.department as string;
  return {
    name: row.name as string,
    uscc: row.uscc as string,
    county: { code: county, name: names.county(county) },
    dimension: codeName(DIMENSION_NAMES, row.dimension as string),
    department: { code: department, name: names.department(department) },
    basis: row.basis as string,
    listedOn: row.sortKey,
    removedOn: (row.removedOn as string | null) ?? null,
  };
}

function codeName(names: Record<string, string>, code: string): CodeNameDto {
  return { code, name: nameOf(names, code) };
}

function capacityOf(row: ListRow): CapacityLineDto[] {
  return (row.capacity as CapacityLineDto[]).map((c) => ({ equipment: c.equipment, line: c.line ?? null, amount: c.amount, unit: c.unit }));
}

const yes = (flag: boolean) => (flag ? '是' : '否');

const yellow: ListDefinition<YellowListItemDto> = {
  title: '黄牌企业名单',
  toItem: (row, context) => ({
    ...listed(row, context),
    issuedOn: row.issuedOn as string,
    deadline: row.effectiveDeadline as string,
    extended: row.extended as boolean,
    overdue: row.stage === 'rectification' && (row.effectiveDeadline as string) < context.today,
  }),
  header: [...ENTRY_HEADER, '整改期限', '是否延期', '是否逾期'],
  csvRows: (i) => [[...entryCells(i), i.deadline, yes(i.extended), yes(i.overdue)]],
};

const red: ListDefinition<RedListItemDto> = {
  title: '红牌企业名单',
  toItem: (row, context) => ({
    ...listed(row, context),
    issuedOn: row.issuedOn as string,
    decidedOn: (row.decidedOn as string | null) ?? null,
    exitDeadline: row.effectiveDeadline as string,
    completedOn: row.completedOn as string,
    capacity: capacityOf(row),
  }),
  header: [...ENTRY_HEADER, '下达日期', '责令退出日期', '退出期限', '关停日期'],
  csvRows: (i) => [[...entryCells(i), i.issuedOn, i.decidedOn, i.exitDeadline, i.completedOn]],
};

const exit: ListDefinition<ExitListItemDto> = {
  title: '年度退出名单',
  toItem: (row, context) => ({
    ...listed(row, context),
    industry: codeName(INDUSTRY_NAMES, row.industry as string),
    capacity: capacityOf(row),
    method: codeName(EXIT_METHOD_NAMES, row.method as string),
    completedOn: row.completedOn as string,
    dismantleBy: (row.dismantleBy as string | null) ?? null,
    dismantledOn: (row.dismantledOn as string | null) ?? null,
  }),
  header: [...ENTRY_HEADER, '行业', '设备', '生产线', '产能', '单位', '退出方式', '完成退出日期', '封存设备拆除期限', '拆除日期'],
  csvRows: (i) =>
    i.capacity.map((c) => [
      ...entryCells(i),
      i.industry.name,
      c.equipment,
      c.line,
      c.amount,
      c.unit,
      i.method.name,
      i.completedOn,
      i.dismantleBy,
      i.dismantledOn,
    ]),
};

const sanctions: ListDefinition<SanctionListItemDto> = {
  title: '联合惩戒名单',
  toItem: (row, context) => ({
    recordId: row.recordId as string,
    ...listed(row, context),
    measures: row.measures as string[],
    publicationEndsOn: row.publicationEndsOn as string,
    status: row.status as 'active' | 'revoked',
    revocationReason: (row.revocationReason as string | null) ?? null,
  }),
  header: ['记录编号', ...ENTRY_HEADER, '惩戒措施', '公示截止日期'],
  csvRows: (i) => [[i.recordId, ...entryCells(i), i.measures.map((m) => nameOf(MEASURE_NAMES, m)).join('、'), i.publicationEndsOn]],
};

export type ListItem = YellowListItemDto | RedListItemDto | ExitListItemDto | SanctionListItemDto;

export const LISTS: Record<ListName, ListDefinition<any>> = { yellow, red, exit, sanctions };
