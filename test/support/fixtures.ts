import { usccCheckCharacter } from '../../src/enterprises/uscc';

/**
 * A valid USCC for a number (organisation code checked too, unless told to break it). `prefix` replaces the
 * registration authority and type (the first two characters, "91" by default).
 */
export function uscc(n: number, opts: { orgCodeMismatch?: boolean; prefix?: string } = {}): string {
  const body = String(n).padStart(8, '0');
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(body[i]) * weights[i];
  let c = 11 - (sum % 11);
  if (opts.orgCodeMismatch) c = c === 1 ? 2 : 1;
  const check = c === 10 ? 'X' : c === 11 ? '0' : String(c);
  const first17 = `${opts.prefix ?? '91'}441600${body}${check}`;
  return first17 + usccCheckCharacter(first17);
}

export function enterprise(n: number, overrides: Record<string, unknown> = {}) {
  return { uscc: uscc(n), name: `河源市测试钢铁有限公司${n}`, county: '441602', industry: 'steel', ...overrides };
}

export function obligation(code: string, ref: string, overrides: Record<string, unknown> = {}) {
  return {
    uscc: code,
    dimension: 'energy',
    department: 'industry_it',
    county: '441602',
    basis: '《河源市淘汰落后产能工作方案》能耗标准',
    issuedOn: '2025-03-31',
    capacity: [{ equipment: '450m³高炉', line: '一号线', amount: 60, unit: '万吨/年' }],
    externalRef: ref,
    ...overrides,
  };
}
