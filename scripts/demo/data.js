'use strict';
// Demo data: fictional steel, cement and flat-glass enterprises in Heyuan (河源) and their obligations
// across the five dimensions, each sent by a department that config/default.yaml makes responsible
// for that dimension. Dates are fixed so that repeated runs describe the same cases.
const { join } = require('node:path');

// The gateway's own check-character code (compiled by `npm run build`), so the codes are valid by construction.
const { orgCodeCheckCharacter, usccCheckCharacter } = require(join(__dirname, '..', '..', 'dist', 'enterprises', 'uscc.js'));

/** 统一社会信用代码: 9 (market regulator) + 1 (enterprise) + area code + organisation code + check character. */
function uscc(areaCode, orgBody) {
  const first17 = `91${areaCode}${orgBody}${orgCodeCheckCharacter(orgBody)}`;
  return first17 + usccCheckCharacter(first17);
}

// county: the jurisdiction's code; area: the administrative code inside the USCC (the two zones register at city level).
const enterprises = {
  dongjiang: { uscc: uscc('441602', 'MA4UH2K1'), name: '河源市东江特钢有限公司', county: '441602', industry: 'steel' },
  jinying: { uscc: uscc('441621', '19735284'), name: '紫金县金鹰钢铁有限公司', county: '441621', industry: 'steel' },
  xingang: { uscc: uscc('441625', 'MA4W8L3C'), name: '东源县新港钢铁有限公司', county: '441625', industry: 'steel' },
  longteng: { uscc: uscc('441622', '68603152'), name: '龙川县龙腾水泥有限公司', county: '441622', industry: 'cement' },
  jiulianshan: { uscc: uscc('441623', '73617004'), name: '连平县九连山水泥有限公司', county: '441623', industry: 'cement' },
  xinghe: { uscc: uscc('441624', 'MA51Q7R0'), name: '和平县兴和建材有限公司', county: '441624', industry: 'cement' },
  huayue: { uscc: uscc('441600', 'MA4X2B9N'), name: '河源市华粤平板玻璃有限公司', county: 'GXQ', industry: 'flat_glass' },
  mingguang: { uscc: uscc('441600', 'MA52C6T8'), name: '河源江东新区明光玻璃有限公司', county: 'JDXQ', industry: 'flat_glass' },
  donghui: { uscc: uscc('441625', 'MA4ULP7D'), name: '东源县东辉浮法玻璃有限公司', county: '441625', industry: 'flat_glass' },
  dongjiangPower: { uscc: uscc('441621', 'MA51D4H2'), name: '紫金县东江火力发电有限公司', county: '441621', industry: 'coal_power' },
};

const GUIDANCE = '《关于利用综合标准依法依规推动落后产能退出的指导意见》（工信部联产业〔2017〕30号）';
const CITY_PLAN = '河源市推动落后产能退出工作方案（2020年）';
const basis = (...parts) => [GUIDANCE, CITY_PLAN, ...parts].join('；');

/**
 * One obligation per entry. `steps` are stage changes in order, by path suffix under
 * /v1/obligations/{id}/; the loader skips the ones an earlier run already made.
 */
const obligations = [
  {
    // Energy: default 6-month period, the one allowed extension, then an exit order whose deadline has passed.
    enterprise: 'dongjiang',
    dimension: 'energy',
    department: 'industry_it',
    basis: basis('GB 21256《粗钢生产主要工序单位产品能源消耗限额》', '《中华人民共和国节约能源法》'),
    issuedOn: '2024-03-15',
    capacity: [
      { equipment: '450m³高炉', line: '炼铁一号线', amount: 45, unit: '万吨/年' },
      { equipment: '40吨转炉', line: '炼钢一号线', amount: 50, unit: '万吨/年' },
    ],
    externalRef: '河工信节〔2024〕17号',
    steps: [
      {
        action: 'extension',
        body: { requestedDeadline: '2024-12-15', reason: '企业申请延期：高炉节能改造设备到货延迟', appliedOn: '2024-09-02' },
      },
      { action: 'exit-order', body: { exitDeadline: '2025-06-30', decidedOn: '2025-01-10', approvedBy: '河源市人民政府' } },
    ],
  },
  {
    // Technology: obsolete equipment ordered out directly; the exit deadline has passed.
    enterprise: 'jinying',
    dimension: 'technology',
    department: 'industry_it',
    basis: basis('《产业结构调整指导目录》淘汰类：公称容量30吨以下电弧炉'),
    issuedOn: '2024-04-08',
    capacity: [{ equipment: '20吨电弧炉', amount: 15, unit: '万吨/年' }],
    externalRef: '河工信产〔2024〕23号',
    stage: 'exit_ordered',
    deadline: '2024-12-31',
  },
  {
    // Safety: the order sets the deadline; still unsafe, so exit was ordered, and that deadline has passed too.
    enterprise: 'xingang',
    dimension: 'safety',
    department: 'emergency_management',
    basis: basis('《中华人民共和国安全生产法》', '《冶金企业和有色金属企业安全生产规定》'),
    issuedOn: '2024-09-05',
    deadline: '2024-10-31',
    capacity: [{ equipment: '350m³高炉', line: '二号高炉', amount: 35, unit: '万吨/年' }],
    externalRef: '河应急执〔2024〕58号',
    steps: [{ action: 'exit-order', body: { exitDeadline: '2025-05-31', decidedOn: '2024-11-20', approvedBy: '河源市人民政府' } }],
  },
  {
    enterprise: 'xingang',
    dimension: 'environment',
    department: 'ecology_environment',
    basis: basis('《中华人民共和国大气污染防治法》', 'GB 28662《钢铁烧结、球团工业大气污染物排放标准》'),
    issuedOn: '2025-04-10',
    deadline: '2025-10-10',
    capacity: [{ equipment: '90m²烧结机', amount: 100, unit: '万吨/年' }],
    externalRef: '河环限改〔2025〕12号',
    steps: [{ action: 'rectified', body: { verifiedOn: '2025-09-26', evidence: '脱硫脱硝设施改造完成，监测报告（河环监〔2025〕88号）达标' } }],
  },
  {
    enterprise: 'longteng',
    dimension: 'energy',
    department: 'industry_it',
    basis: basis('GB 16780《水泥单位产品能源消耗限额》'),
    issuedOn: '2024-05-20',
    capacity: [{ equipment: 'Φ3.2×50m新型干法回转窑', line: '熟料生产线', amount: 1000, unit: '吨熟料/日' }],
    externalRef: '河工信节〔2024〕31号',
    steps: [{ action: 'rectified', body: { verifiedOn: '2024-11-08', evidence: '节能监察复查：熟料综合能耗达到限额标准' } }],
  },
  {
    // Quality: still within its default 6-month period (yellow list).
    enterprise: 'longteng',
    dimension: 'quality',
    department: 'market_regulation',
    basis: basis('《中华人民共和国产品质量法》', 'GB 175《通用硅酸盐水泥》'),
    issuedOn: '2026-08-14',
    capacity: [{ equipment: 'Φ3.2×13m水泥磨', amount: 60, unit: '万吨/年' }],
    externalRef: '河市监质〔2026〕41号',
  },
  {
    // Technology: ordered out directly and dismantled in time (annual exit list).
    enterprise: 'jiulianshan',
    dimension: 'technology',
    department: 'market_regulation',
    basis: basis('《产业结构调整指导目录》淘汰类：水泥机立窑'),
    issuedOn: '2024-06-10',
    capacity: [{ equipment: 'Φ2.5×10m机立窑', amount: 8.8, unit: '万吨/年' }],
    externalRef: '河市监技〔2024〕9号',
    stage: 'exit_ordered',
    deadline: '2025-03-31',
    steps: [{ action: 'exit-completed', body: { completedOn: '2025-03-20', method: 'dismantled', verifiedOn: '2025-03-28' } }],
  },
  {
    // Environment: rectification failed, exit ordered, main equipment sealed before the exit deadline; the time
    // limit for dismantling has passed unreported, so the sweep flags it for the department.
    enterprise: 'xinghe',
    dimension: 'environment',
    department: 'ecology_environment',
    basis: basis('《中华人民共和国大气污染防治法》', 'GB 4915《水泥工业大气污染物排放标准》'),
    issuedOn: '2024-08-01',
    deadline: '2024-12-31',
    capacity: [{ equipment: 'Φ2.2×7m水泥磨', amount: 20, unit: '万吨/年' }],
    externalRef: '河环限改〔2024〕27号',
    steps: [
      { action: 'exit-order', body: { exitDeadline: '2025-07-31', decidedOn: '2025-01-15', approvedBy: '河源市人民政府' } },
      {
        action: 'exit-completed',
        body: {
          completedOn: '2025-07-20',
          method: 'sealed',
          verifiedOn: '2025-07-25',
          sealing: {
            waterCut: true,
            powerCut: true,
            powerUnitsRemoved: true,
            commitmentRef: '和平县兴和建材有限公司不再恢复生产承诺书（2025年7月）',
            announcementUrl: 'https://www.heping.gov.cn/gkmlpt/content/2025/07/xinghe-sealing.html',
            dismantleBy: '2026-07-20',
          },
        },
      },
    ],
  },
  {
    enterprise: 'huayue',
    dimension: 'energy',
    department: 'industry_it',
    basis: basis('GB 21340《平板玻璃单位产品能源消耗限额》'),
    issuedOn: '2026-06-30',
    capacity: [{ equipment: '浮法玻璃熔窑', line: '600吨/日浮法线', amount: 600, unit: '吨/日' }],
    externalRef: '河工信节〔2026〕8号',
  },
  {
    // Quality: its rectification deadline passed without verification (flagged for the department, no record).
    enterprise: 'mingguang',
    dimension: 'quality',
    department: 'market_regulation',
    basis: basis('《中华人民共和国产品质量法》', 'GB 11614《平板玻璃》'),
    issuedOn: '2024-07-01',
    capacity: [{ equipment: '浮法玻璃生产线', line: '一线', amount: 300, unit: '万重量箱/年' }],
    externalRef: '河市监质〔2024〕19号',
  },
  {
    enterprise: 'donghui',
    dimension: 'safety',
    department: 'emergency_management',
    basis: basis('《中华人民共和国安全生产法》', '《工贸企业重大事故隐患判定标准》'),
    issuedOn: '2026-10-12',
    deadline: '2027-01-31',
    capacity: [{ equipment: '500吨/日浮法玻璃熔窑', amount: 500, unit: '吨/日' }],
    externalRef: '河应急执〔2026〕77号',
  },
  {
    enterprise: 'donghui',
    dimension: 'technology',
    department: 'industry_it',
    basis: basis('《产业结构调整指导目录》淘汰类：平拉工艺平板玻璃生产线（含格法）'),
    issuedOn: '2026-03-02',
    capacity: [{ equipment: '平拉工艺平板玻璃生产线', amount: 120, unit: '万重量箱/年' }],
    externalRef: '河工信产〔2026〕5号',
    stage: 'exit_ordered',
    deadline: '2027-06-30',
  },
  {
    // Coal power: a unit listed for closure in the year with a fixed closure date, closed by law (red list).
    enterprise: 'dongjiangPower',
    dimension: 'energy',
    department: 'development_reform',
    basis: basis('《关于进一步做好煤电行业淘汰落后产能的通知》', '广东省2026年煤电机组关停计划'),
    issuedOn: '2026-01-15',
    capacity: [{ equipment: '2×135MW燃煤机组', line: '一期', amount: 270, unit: 'MW' }],
    externalRef: '河发改能源〔2026〕6号',
    stage: 'exit_ordered',
    deadline: '2026-06-30',
    steps: [{ action: 'exit-completed', body: { completedOn: '2026-06-28', method: 'closed', verifiedOn: '2026-06-30' } }],
  },
  {
    enterprise: 'dongjiang',
    dimension: 'environment',
    department: 'ecology_environment',
    basis: basis('《中华人民共和国大气污染防治法》', 'GB 16171《炼焦化学工业污染物排放标准》'),
    issuedOn: '2025-11-03',
    deadline: '2026-02-28',
    capacity: [{ equipment: '4.3米焦炉', amount: 30, unit: '万吨/年' }],
    externalRef: '河环限改〔2025〕46号',
  },
];

/** Request bodies for POST /v1/enterprises and POST /v1/obligations, plus the stage changes to make. */
function demoData() {
  return {
    enterprises: Object.values(enterprises),
    obligations: obligations.map(({ enterprise, steps = [], ...fields }) => {
      const e = enterprises[enterprise];
      return { body: { uscc: e.uscc, county: e.county, ...fields }, enterprise: e.name, steps };
    }),
  };
}

module.exports = { demoData, uscc };
