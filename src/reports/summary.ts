import { STAGES } from '../obligations/stage-machine';
import { csvLine, BOM, CsvValue } from '../publication/csv';
import { STAGE_NAMES } from '../publication/labels';
import type { DeliveryCountsDto, SummaryDto, SummaryGroupDto } from './dto/reports.dto';
import type { CapacitySum, DeliveryCount, EquipmentSum, GroupBy, RecordCounts, StageCount } from './reports.repository';

export interface SummaryRows {
  stages: StageCount[];
  capacity: CapacitySum[];
  equipment: EquipmentSum[];
  records: RecordCounts[];
  deliveries: DeliveryCount[];
}

type Counts = Omit<SummaryGroupDto, 'code' | 'name'>;

// Failed deliveries are still being retried: to a report reader they are on the way, like pending ones.
const DELIVERY_BUCKET: Record<string, keyof DeliveryCountsDto> = {
  delivered: 'delivered',
  dead: 'dead',
  pending: 'pending',
  failed: 'pending',
  in_flight: 'pending',
  cancelled: 'cancelled',
};

function empty(): Counts {
  return {
    obligations: Object.fromEntries(STAGES.map((s) => [s, 0])),
    capacityExited: [],
    equipmentExited: [],
    records: { issued: 0, revoked: 0 },
    deliveries: { delivered: 0, dead: 0, pending: 0, cancelled: 0 },
  };
}

function addCapacity(counts: Counts, unit: string, amount: number): void {
  const line = counts.capacityExited.find((c) => c.unit === unit);
  if (line) line.amount = round(line.amount + amount);
  else counts.capacityExited.push({ unit, amount });
}

// Sums of decimal amounts in binary floating point grow tails (0.1 + 0.2); six places is far below any unit used.
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * One group per known code (in the order given: config order for counties and departments), then any code the
 * data holds that is not known, so that nothing counted goes missing from the totals.
 */
export function buildGroups(known: ReadonlyArray<{ code: string; name: string }>, rows: SummaryRows): SummaryGroupDto[] {
  const groups = new Map<string, SummaryGroupDto>(known.map((k) => [k.code, { code: k.code, name: k.name, ...empty() }]));
  const group = (code: string) => {
    let g = groups.get(code);
    if (!g) groups.set(code, (g = { code, name: code, ...empty() }));
    return g;
  };
  for (const r of rows.stages) group(r.key).obligations[r.stage] = (group(r.key).obligations[r.stage] ?? 0) + r.n;
  for (const r of [...rows.capacity].sort((a, b) => a.unit.localeCompare(b.unit))) addCapacity(group(r.key), r.unit, Number(r.amount));
  for (const r of rows.equipment) {
    group(r.key).equipmentExited.push({ equipment: r.equipment, line: r.line ?? null, unit: r.unit, amount: round(Number(r.amount)) });
  }
  for (const r of rows.records) {
    group(r.key).records.issued += r.issued;
    group(r.key).records.revoked += r.revoked;
  }
  for (const r of rows.deliveries) {
    const bucket = DELIVERY_BUCKET[r.status];
    if (bucket) group(r.key).deliveries[bucket] += r.n;
  }
  return [...groups.values()];
}

function addEquipment(counts: Counts, item: Counts['equipmentExited'][number]): void {
  const same = counts.equipmentExited.find((e) => e.equipment === item.equipment && e.line === item.line && e.unit === item.unit);
  if (same) same.amount = round(same.amount + item.amount);
  else counts.equipmentExited.push({ ...item });
}

/** Equipment and lines in words, one cell: "450m³高炉（炼铁一号线）45 万吨/年；…". */
function equipmentCell(items: Counts['equipmentExited']): string {
  return items.map((e) => `${e.equipment}${e.line ? `（${e.line}）` : ''} ${e.amount} ${e.unit}`).join('；');
}

export function totalsOf(groups: readonly SummaryGroupDto[]): Counts {
  const totals = empty();
  for (const g of groups) {
    for (const [stage, n] of Object.entries(g.obligations)) totals.obligations[stage] = (totals.obligations[stage] ?? 0) + n;
    for (const c of g.capacityExited) addCapacity(totals, c.unit, c.amount);
    for (const item of g.equipmentExited) addEquipment(totals, item);
    totals.records.issued += g.records.issued;
    totals.records.revoked += g.records.revoked;
    for (const k of Object.keys(totals.deliveries) as Array<keyof DeliveryCountsDto>) totals.deliveries[k] += g.deliveries[k];
  }
  // The CSV's capacity columns follow this order, so it must not depend on which group came first.
  totals.capacityExited.sort((a, b) => a.unit.localeCompare(b.unit));
  totals.equipmentExited.sort((a, b) => a.equipment.localeCompare(b.equipment) || (a.line ?? '').localeCompare(b.line ?? '') || a.unit.localeCompare(b.unit));
  return totals;
}

const GROUP_HEADERS: Record<GroupBy, [string, string]> = {
  county: ['县区代码', '县区'],
  department: ['部门代码', '责任部门'],
  industry: ['行业代码', '行业'],
  dimension: ['维度代码', '维度'],
};

/** The report as CSV: one line per group and a total line; capacity gets one column per unit found. */
export function summaryCsv(summary: SummaryDto): string {
  const units = summary.totals.capacityExited.map((c) => c.unit);
  const header = [
    ...GROUP_HEADERS[summary.groupBy],
    ...STAGES.map((s) => `${STAGE_NAMES[s]}（项）`),
    ...units.map((u) => `退出产能（${u}）`),
    '退出设备及生产线',
    '新增惩戒记录',
    '撤销惩戒记录',
    '已送达',
    '投递失败',
    '投递中',
    '已取消',
  ];
  const line = (code: string, name: string, c: Counts): CsvValue[] => [
    code,
    name,
    ...STAGES.map((s) => c.obligations[s] ?? 0),
    ...units.map((u) => c.capacityExited.find((x) => x.unit === u)?.amount ?? 0),
    equipmentCell(c.equipmentExited),
    c.records.issued,
    c.records.revoked,
    c.deliveries.delivered,
    c.deliveries.dead,
    c.deliveries.pending,
    c.deliveries.cancelled,
  ];
  return BOM + csvLine(header) + summary.groups.map((g) => csvLine(line(g.code, g.name, g))).join('') + csvLine(line('', '合计', summary.totals));
}
