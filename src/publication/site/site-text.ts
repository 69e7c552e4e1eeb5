import type { ListName } from '../public-lists';

export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** Every word the public site prints, Chinese first; `{x}` is filled in. */
const TEXT = {
  site: ['{city}淘汰落后产能信息公示', '{city}: public lists of backward production capacity'],
  yellow: ['黄牌企业名单', 'Yellow list'],
  red: ['红牌企业名单', 'Red list'],
  exit: ['年度退出名单', 'Annual exit list'],
  sanctions: ['联合惩戒名单', 'Joint sanctions list'],
  yellowAbout: ['限期整改的企业：列入日期为整改通知下达之日，整改完成或责令退出之日移出。', 'Enterprises ordered to rectify by a deadline: listed on the day of the order, removed when rectified or ordered to exit.'],
  redAbout: ['整改后仍不达标、经责令退出并依法关停的企业，列入日期为关停之日。', 'Enterprises still failing after rectification, ordered to exit and closed by law; listed on the day of closure.'],
  exitAbout: ['当年完成退出的企业、设备或生产线及其产能。', 'Enterprises, equipment or production lines that exited in the year, with their capacity.'],
  sanctionsAbout: ['逾期未完成退出、依法实施联合惩戒的企业；每条记录均经电子签名，可离线核验。', 'Enterprises that missed their exit deadline and face joint disciplinary restrictions; every record is signed and can be verified offline.'],
  search: ['企业名称或统一社会信用代码', 'Enterprise name or unified social credit code'],
  find: ['查询', 'Search'],
  year: ['年份', 'Year'],
  county: ['县区', 'County'],
  dimension: ['维度', 'Dimension'],
  any: ['全部', 'All'],
  show: ['范围', 'Show'],
  current: ['当前在列', 'On the list now'],
  removed: ['已移出', 'Removed'],
  all: ['全部', 'All'],
  name: ['企业名称', 'Enterprise'],
  uscc: ['统一社会信用代码', 'Credit code'],
  basis: ['认定依据', 'Basis'],
  department: ['认定部门', 'Deciding department'],
  listedOn: ['列入日期', 'Listed'],
  removedOn: ['移出日期', 'Removed'],
  detail: ['详情', 'Details'],
  deadline: ['整改期限', 'Deadline'],
  overdue: ['已逾期', 'overdue'],
  extended: ['已延期', 'extended'],
  exitDeadline: ['退出期限', 'Exit deadline'],
  capacity: ['设备及产能', 'Equipment and capacity'],
  method: ['退出方式', 'Method'],
  dismantleBy: ['拆除期限', 'Dismantle by'],
  measures: ['惩戒措施', 'Measures'],
  record: ['签名记录', 'Signed record'],
  none: ['没有符合条件的记录。', 'Nothing matches.'],
  next: ['下一页', 'Next page'],
  first: ['第一页', 'First page'],
  download: ['下载', 'Download'],
  verifyTitle: ['如何核验联合惩戒记录', 'How to verify a sanction record'],
  verify1: ['下载签名记录（JSON，含 record 与 jws）和公钥集（{jwks}）。', 'Download the signed record (JSON with record and jws) and the key set ({jwks}).'],
  verify2: ['jws 为 RFC 7515 紧凑序列化签名（EdDSA / Ed25519），其载荷即 record 的 RFC 8785 规范化 JSON；任何 JOSE 工具均可离线核验，例如：', 'jws is an RFC 7515 compact signature (EdDSA / Ed25519) whose payload is the record\'s RFC 8785 canonical JSON; any JOSE tool verifies it offline, for example:'],
  verify3: ['核验结果为 "ok": true 即记录未经篡改，且由公示机关的密钥签发。', '"ok": true means the record is unchanged and was signed with the publishing authority\'s key.'],
  other: ['English', '中文'],
} satisfies Record<string, [string, string]>;

export type TextKey = keyof typeof TEXT;

export function text(lang: Lang, key: TextKey, fill: Record<string, string> = {}): string {
  return TEXT[key][lang === 'zh' ? 0 : 1].replace(/\{(\w+)\}/g, (_, k: string) => fill[k] ?? '');
}

export const ABOUT: Record<ListName, TextKey> = { yellow: 'yellowAbout', red: 'redAbout', exit: 'exitAbout', sanctions: 'sanctionsAbout' };
