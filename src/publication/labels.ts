import type { Dimension, Industry, Measure } from '../common/domain';

/** Chinese names for the contract's codes, as the published lists and reports print them (DESIGN section 1). */
export const DIMENSION_NAMES: Record<Dimension, string> = {
  energy: '能耗',
  environment: '环保',
  quality: '质量',
  safety: '安全',
  technology: '技术',
};

export const INDUSTRY_NAMES: Record<Industry, string> = {
  steel: '钢铁',
  cement: '水泥',
  flat_glass: '平板玻璃',
  coal_power: '煤电机组',
  other: '其他',
};

export const MEASURE_NAMES: Record<Measure, string> = {
  land_supply: '土地供应',
  funding_support: '资金支持',
  tax_administration: '税收管理',
  production_license: '生产许可',
  safety_license: '安全生产许可',
  bond_issuance: '债券发行',
  financing_credit: '融资授信',
  government_procurement: '政府采购',
  public_works_bidding: '工程招投标',
};

export const STAGE_NAMES: Record<string, string> = {
  rectification: '限期整改',
  rectified: '已整改',
  exit_ordered: '已责令退出',
  notified: '已告知',
  sanctioned: '已列入惩戒',
  exited: '已退出',
};

export const EXIT_METHOD_NAMES: Record<string, string> = { dismantled: '拆除', sealed: '封存', closed: '关停' };

export function nameOf(names: Record<string, string>, code: string): string {
  return names[code] ?? code;
}
