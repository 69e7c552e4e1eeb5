import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app';
import { enterprise, obligation } from './support/fixtures';
import { sweep } from './support/sweep-fixtures';

const STAGES = { rectification: 0, rectified: 0, exit_ordered: 0, notified: 0, sanctioned: 0, exited: 0 };
const NO_DELIVERIES = { delivered: 0, dead: 0, pending: 0, cancelled: 0 };

/**
 * Hand-counted fixtures (enterprise, county, dimension, department, what happened):
 *   A  steel      441602 energy      industry_it        rectification
 *   B  cement     441621 quality     market_regulation  rectified
 *   C  steel      441602 technology  industry_it        exited 2025-03-15: 40 万吨/年 + 12.5 MW verified
 *   D  flat_glass 441621 technology  industry_it        exited 2025-06-15: 60 万吨/年 as ordered
 *   E  coal_power 441602 energy      industry_it        sanctioned 2025-06-11, exited 2025-06-20 (60 万吨/年), record revoked 2025-07-01 00:30 local
 *   F  steel      441625 energy      industry_it        sanctioned 2025-06-11
 * Deliveries (the platform only): E's issue delivered, F's issue dead, E's revocation failed and retrying.
 */
describe('GET /v1/reports/summary', () => {
  let t: TestApp;
  let operator: string;
  let admin: string;
  let agency: string;
  let industry: string;
  let market: string;

  const summary = (query: string, key = operator) => t.request('GET', `/v1/reports/summary?${query}`, { key });
  const group = (body: { groups: Array<{ code: string }> }, code: string) => body.groups.find((g) => g.code === code);

  beforeAll(async () => {
    t = await startTestApp({ dimensions: { energy: { noticeDays: 0, repair: { minMonths: 0, maxMonths: 36 } } } }, '2025-06-11T04:00:00Z');
    industry = await t.key({ role: 'department', department: 'industry_it' });
    market = await t.key({ role: 'department', department: 'market_regulation' });
    operator = await t.key({ role: 'operator' });
    admin = await t.key({ role: 'admin' });
    agency = await t.key({ role: 'agency', domains: ['land_supply'] });

    let n = 0;
    const open = async (key: string, industryCode: string, o: Record<string, unknown>): Promise<string> => {
      const e = enterprise(++n, { industry: industryCode, county: o.county ?? '441602' });
      expect((await t.request('POST', '/v1/enterprises', { key, body: e })).status).toBe(201);
      const res = await t.request('POST', '/v1/obligations', { key, body: obligation(e.uscc, `RP-${n}`, o) });
      expect(res.status).toBe(201);
      return res.body.id;
    };
    const post = async (key: string, id: string, action: string, body: unknown) =>
      expect((await t.request('POST', `/v1/obligations/${id}/${action}`, { key, body })).status).toBe(200);
    const exitOrder = (dimension: string, issuedOn: string, deadline: string) => ({ dimension, stage: 'exit_ordered', issuedOn, deadline });

    await open(industry, 'steel', { issuedOn: '2025-03-31' });
    const b = await open(market, 'cement', { county: '441621', dimension: 'quality', department: 'market_regulation' });
    await post(market, b, 'rectified', { verifiedOn: '2025-05-20' });
    const c = await open(industry, 'steel', exitOrder('technology', '2025-01-05', '2025-03-31'));
    await post(industry, c, 'exit-completed', {
      completedOn: '2025-03-15',
      method: 'dismantled',
      capacityExited: [
        { equipment: '1号转炉', amount: 40, unit: '万吨/年' },
        { equipment: '自备电厂机组', amount: 12.5, unit: 'MW' },
      ],
    });
    const d = await open(industry, 'flat_glass', { county: '441621', ...exitOrder('technology', '2025-05-01', '2025-06-30') });
    const e = await open(industry, 'coal_power', exitOrder('energy', '2025-05-01', '2025-06-10'));
    const f = await open(industry, 'steel', { county: '441625', ...exitOrder('energy', '2025-05-01', '2025-06-10') });
    expect((await sweep(t, operator, '2025-06-11T08:00:00+08:00')).sanctioned).toBe(2);

    t.clock.set('2025-06-30T16:30:00Z'); // 2025-07-01 00:30 in Asia/Shanghai
    await post(industry, d, 'exit-completed', {
      completedOn: '2025-06-15',
      method: 'sealed',
      sealing: { waterCut: true, powerCut: true, powerUnitsRemoved: true, commitmentRef: '承诺书1', announcementUrl: 'https://gxj.heyuan.gov.cn/a/1', dismantleBy: '2025-12-31' },
    });
    await post(industry, e, 'exit-completed', { completedOn: '2025-06-20', method: 'closed' });

    // Outcomes that would take a live target and hours of retries to reach.
    const db = t.app.get(DataSource);
    const [recordE] = await db.query(`SELECT record_id FROM records WHERE obligation_id = $1 AND status = 'revoked'`, [e]);
    const [recordF] = await db.query(`SELECT record_id FROM records WHERE obligation_id = $1 AND status = 'active'`, [f]);
    const set = (record: string, version: number, status: string) =>
      db.query(`UPDATE deliveries SET status = $3, next_attempt_at = '2099-01-01' WHERE record_id = $1 AND version = $2`, [record.trim(), version, status]);
    await set(recordE.record_id, 1, 'delivered');
    await set(recordE.record_id, 2, 'failed');
    await set(recordF.record_id, 1, 'dead');
    const [{ n: deliveries }] = await db.query(`SELECT count(*)::int AS n FROM deliveries`);
    expect(deliveries).toBe(3);
  });
  afterAll(() => t.close());

  it('sums the year per county, listing every configured county with its name', async () => {
    const res = await summary('preset=year&year=2025&groupBy=county');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2025-01-01', to: '2025-12-31', groupBy: 'county', asOf: '2025-06-30T16:30:00.000Z' });
    expect(res.body.groups.map((g: { code: string }) => g.code)).toEqual(t.config.jurisdiction.counties.map((c) => c.code));
    expect(group(res.body, '441602')).toEqual({
      code: '441602',
      name: '源城区',
      obligations: { ...STAGES, rectification: 1, exited: 2 },
      capacityExited: [
        { unit: 'MW', amount: 12.5 },
        { unit: '万吨/年', amount: 100 },
      ],
      equipmentExited: [
        { equipment: '1号转炉', line: null, unit: '万吨/年', amount: 40 },
        { equipment: '450m³高炉', line: '一号线', unit: '万吨/年', amount: 60 },
        { equipment: '自备电厂机组', line: null, unit: 'MW', amount: 12.5 },
      ],
      records: { issued: 1, revoked: 1 },
      deliveries: { delivered: 1, dead: 0, pending: 1, cancelled: 0 },
    });
    expect(group(res.body, '441621')).toMatchObject({
      name: '紫金县',
      obligations: { ...STAGES, rectified: 1, exited: 1 },
      capacityExited: [{ unit: '万吨/年', amount: 60 }],
      records: { issued: 0, revoked: 0 },
      deliveries: NO_DELIVERIES,
    });
    expect(group(res.body, '441625')).toMatchObject({
      name: '东源县',
      obligations: { ...STAGES, sanctioned: 1 },
      capacityExited: [],
      records: { issued: 1, revoked: 0 },
      deliveries: { ...NO_DELIVERIES, dead: 1 },
    });
    expect(group(res.body, 'GXQ')).toMatchObject({ name: '高新区', obligations: STAGES, capacityExited: [], records: { issued: 0, revoked: 0 } });
    expect(res.body.totals).toEqual({
      obligations: { ...STAGES, rectification: 1, rectified: 1, sanctioned: 1, exited: 3 },
      capacityExited: [
        { unit: 'MW', amount: 12.5 },
        { unit: '万吨/年', amount: 160 },
      ],
      equipmentExited: [
        { equipment: '1号转炉', line: null, unit: '万吨/年', amount: 40 },
        { equipment: '450m³高炉', line: '一号线', unit: '万吨/年', amount: 120 },
        { equipment: '自备电厂机组', line: null, unit: 'MW', amount: 12.5 },
      ],
      records: { issued: 2, revoked: 1 },
      deliveries: { delivered: 1, dead: 1, pending: 1, cancelled: 0 },
    });
  });

  it('groups by department, industry and dimension', async () => {
    const byDepartment = (await summary('preset=year&year=2025&groupBy=department')).body;
    expect(byDepartment.groups).toHaveLength(t.config.jurisdiction.departments.length);
    expect(group(byDepartment, 'industry_it')).toMatchObject({
      name: '工业和信息化局',
      obligations: { ...STAGES, rectification: 1, sanctioned: 1, exited: 3 },
      capacityExited: [
        { unit: 'MW', amount: 12.5 },
        { unit: '万吨/年', amount: 160 },
      ],
      records: { issued: 2, revoked: 1 },
      deliveries: { delivered: 1, dead: 1, pending: 1, cancelled: 0 },
    });
    expect(group(byDepartment, 'market_regulation')).toMatchObject({ name: '市场监管局', obligations: { ...STAGES, rectified: 1 }, records: { issued: 0, revoked: 0 } });

    const byIndustry = (await summary('preset=year&year=2025&groupBy=industry')).body;
    expect(byIndustry.groups.map((g: { code: string }) => g.code)).toEqual(['steel', 'cement', 'flat_glass', 'coal_power', 'other']);
    expect(group(byIndustry, 'steel')).toMatchObject({
      name: '钢铁',
      obligations: { ...STAGES, rectification: 1, sanctioned: 1, exited: 1 },
      capacityExited: [
        { unit: 'MW', amount: 12.5 },
        { unit: '万吨/年', amount: 40 },
      ],
      records: { issued: 1, revoked: 0 },
      deliveries: { ...NO_DELIVERIES, dead: 1 },
    });
    expect(group(byIndustry, 'cement')).toMatchObject({ name: '水泥', obligations: { ...STAGES, rectified: 1 } });
    expect(group(byIndustry, 'flat_glass')).toMatchObject({ obligations: { ...STAGES, exited: 1 }, capacityExited: [{ unit: '万吨/年', amount: 60 }] });
    expect(group(byIndustry, 'coal_power')).toMatchObject({
      name: '煤电机组',
      obligations: { ...STAGES, exited: 1 },
      capacityExited: [{ unit: '万吨/年', amount: 60 }],
      records: { issued: 1, revoked: 1 },
      deliveries: { ...NO_DELIVERIES, delivered: 1, pending: 1 },
    });

    const byDimension = (await summary('preset=year&year=2025&groupBy=dimension')).body;
    expect(group(byDimension, 'energy')).toMatchObject({
      name: '能耗',
      obligations: { ...STAGES, rectification: 1, sanctioned: 1, exited: 1 },
      capacityExited: [{ unit: '万吨/年', amount: 60 }],
      records: { issued: 2, revoked: 1 },
      deliveries: { delivered: 1, dead: 1, pending: 1, cancelled: 0 },
    });
    expect(group(byDimension, 'technology')).toMatchObject({
      name: '技术',
      obligations: { ...STAGES, exited: 2 },
      capacityExited: [
        { unit: 'MW', amount: 12.5 },
        { unit: '万吨/年', amount: 100 },
      ],
      records: { issued: 0, revoked: 0 },
    });
    expect(group(byDimension, 'quality')).toMatchObject({ name: '质量', obligations: { ...STAGES, rectified: 1 } });
  });

  it('cuts the period by the reporting-calendar presets, stage counts staying as of now', async () => {
    const june = (await summary('preset=june&year=2025')).body;
    expect(june).toMatchObject({ from: '2025-01-01', to: '2025-05-31', groupBy: 'county' });
    expect(june.totals).toEqual({
      obligations: { ...STAGES, rectification: 1, rectified: 1, sanctioned: 1, exited: 3 },
      capacityExited: [
        { unit: 'MW', amount: 12.5 },
        { unit: '万吨/年', amount: 40 },
      ],
      equipmentExited: [
        { equipment: '1号转炉', line: null, unit: '万吨/年', amount: 40 },
        { equipment: '自备电厂机组', line: null, unit: 'MW', amount: 12.5 },
      ],
      records: { issued: 0, revoked: 0 },
      deliveries: NO_DELIVERIES,
    });
    const december = (await summary('preset=december')).body;
    expect(december).toMatchObject({ from: '2025-06-01', to: '2025-11-30' });
    expect(december.totals).toMatchObject({
      capacityExited: [{ unit: '万吨/年', amount: 120 }],
      records: { issued: 2, revoked: 1 },
      deliveries: { delivered: 1, dead: 1, pending: 1, cancelled: 0 },
    });
    const before = (await summary('preset=year&year=2024')).body;
    expect(before.totals).toMatchObject({ capacityExited: [], records: { issued: 0, revoked: 0 }, deliveries: NO_DELIVERIES });
  });

  it('reads from and to as inclusive dates in the jurisdiction\'s zone', async () => {
    const july1 = (await summary('from=2025-07-01&to=2025-07-01')).body.totals;
    expect(july1).toMatchObject({ records: { issued: 0, revoked: 1 }, deliveries: { ...NO_DELIVERIES, pending: 1 } });
    const june30 = (await summary('from=2025-06-30&to=2025-06-30')).body.totals;
    expect(june30).toMatchObject({ records: { issued: 0, revoked: 0 }, deliveries: NO_DELIVERIES });
    const exits = (await summary('from=2025-03-15&to=2025-06-15')).body.totals;
    expect(exits.capacityExited).toEqual([
      { unit: 'MW', amount: 12.5 },
      { unit: '万吨/年', amount: 100 },
    ]);
    expect(exits.records).toEqual({ issued: 2, revoked: 0 });
  });

  it('exports CSV with a byte order mark, Chinese headers, a line per group and a total', async () => {
    const res = await fetch(`${t.baseUrl}/v1/reports/summary?preset=year&year=2025&groupBy=county&format=csv`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('summary-county-2025-01-01-2025-12-31.csv');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(bytes.toString('utf8').slice(1));
    expect(rows[0]).toEqual([
      '县区代码', '县区', '限期整改（项）', '已整改（项）', '已责令退出（项）', '已告知（项）', '已列入惩戒（项）', '已退出（项）',
      '退出产能（MW）', '退出产能（万吨/年）', '退出设备及生产线', '新增惩戒记录', '撤销惩戒记录', '已送达', '投递失败', '投递中', '已取消',
    ]);
    expect(rows).toHaveLength(1 + t.config.jurisdiction.counties.length + 1);
    const equipment = '1号转炉 40 万吨/年；450m³高炉（一号线） 60 万吨/年；自备电厂机组 12.5 MW';
    expect(rows.find((r) => r[0] === '441602')).toEqual(['441602', '源城区', '1', '0', '0', '0', '0', '2', '12.5', '100', equipment, '1', '1', '1', '0', '1', '0']);
    expect(rows[rows.length - 1].slice(0, 10)).toEqual(['', '合计', '1', '1', '0', '0', '1', '3', '12.5', '160']);
    expect(rows[rows.length - 1].slice(11)).toEqual(['2', '1', '1', '1', '1', '0']);
  });

  it('gives the counties\' year summary due 21 December: one row per county, capacity by equipment and line', async () => {
    const res = await summary('preset=county_summary&year=2025');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2025-01-01', to: '2025-12-20', groupBy: 'county' });
    expect(res.body.groups.map((g: { code: string }) => g.code)).toEqual(t.config.jurisdiction.counties.map((c) => c.code));
    expect(group(res.body, '441621')).toMatchObject({ equipmentExited: [{ equipment: '450m³高炉', line: '一号线', unit: '万吨/年', amount: 60 }] });
    const refused = await summary('preset=county_summary&groupBy=department');
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([expect.objectContaining({ field: 'groupBy' })]);
    const csv = await fetch(`${t.baseUrl}/v1/reports/summary?preset=county_summary&year=2025&format=csv`, { headers: { authorization: `Bearer ${operator}` } });
    const rows: string[][] = parse(Buffer.from(await csv.arrayBuffer()).toString('utf8').slice(1));
    expect(rows).toHaveLength(1 + t.config.jurisdiction.counties.length + 1);
    expect(rows.find((r) => r[0] === '441621')).toContain('450m³高炉（一号线） 60 万吨/年');
  });

  it('gives a department key its own department\'s figures only', async () => {
    const own = await summary('preset=year&year=2025&groupBy=department', market);
    expect(own.status).toBe(200);
    expect(own.body.department).toBe('market_regulation');
    expect(own.body.groups.map((g: { code: string }) => g.code)).toEqual(['market_regulation']);
    expect(own.body.totals).toMatchObject({ obligations: { ...STAGES, rectified: 1 }, capacityExited: [], records: { issued: 0, revoked: 0 } });
    const byCounty = await summary('preset=year&year=2025', industry);
    expect(byCounty.body.totals).toMatchObject({ obligations: { ...STAGES, rectification: 1, sanctioned: 1, exited: 3 }, records: { issued: 2, revoked: 1 } });
    expect(group(byCounty.body, '441621')).toMatchObject({ obligations: { ...STAGES, exited: 1 } });
    const scoped = await t.key({ role: 'department', department: 'industry_it', counties: ['441625'] });
    const county = await summary('preset=year&year=2025', scoped);
    expect(county.body.groups.map((g: { code: string }) => g.code)).toEqual(['441625']);
    expect(county.body.totals).toMatchObject({ obligations: { ...STAGES, sanctioned: 1 }, records: { issued: 1, revoked: 0 } });
  });

  it('is for operators, admins and departments', async () => {
    expect((await summary('preset=year', admin)).status).toBe(200);
    const forbidden = await summary('preset=year', agency);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toContain('agency');
    expect((await t.request('GET', '/v1/reports/summary?preset=year')).status).toBe(401);
  });

  it('refuses bad periods and options with 400 naming the field', async () => {
    for (const [query, field] of [
      ['from=2025-06-02&to=2025-06-01', 'from'],
      ['from=2025-13-01&to=2025-12-31', 'from'],
      ['from=2025-01-01&to=2025-02-30', 'to'],
      ['from=2025-01-01', 'to'],
      ['', 'from'],
      ['preset=march', 'preset'],
      ['preset=june&from=2025-01-01', 'preset'],
      ['preset=june&year=abc', 'year'],
      ['from=2025-01-01&to=2025-02-01&year=2025', 'year'],
      ['preset=year&groupBy=city', 'groupBy'],
      ['preset=year&format=pdf', 'format'],
    ]) {
      const res = await summary(query);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
  });
});
