import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app';
import { enterprise, obligation } from './support/fixtures';
import { exitOrdered, sweep } from './support/sweep-fixtures';

const ALL_MEASURES = 9;

describe('public lists', () => {
  let t: TestApp;
  let dept: string;
  const ids: Record<string, string> = {};
  const codes: Record<string, string> = {};

  const list = (path: string, headers: Record<string, string> = {}) => t.request('GET', `/v1/public/lists/${path}`, { headers });
  /** Raw bytes: Response.text() would drop the byte order mark the test is about. */
  const raw = async (path: string) => {
    const res = await fetch(`${t.baseUrl}/v1/public/lists/${path}`);
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const csvRows = (bytes: Buffer): string[][] => parse(bytes.toString('utf8').slice(1));
  const usccs = (items: Array<{ uscc: string }>) => items.map((i) => i.uscc);

  async function open(key: string, n: number, e: Record<string, unknown>, o: Record<string, unknown>): Promise<string> {
    const ent = enterprise(n, e);
    expect((await t.request('POST', '/v1/enterprises', { key, body: ent })).status).toBe(201);
    const res = await t.request('POST', '/v1/obligations', { key, body: obligation(ent.uscc, `PL-${n}`, o) });
    expect(res.status).toBe(201);
    codes[n] = ent.uscc;
    return res.body.id;
  }
  const post = async (id: string, action: string, body: unknown) => {
    const res = await t.request('POST', `/v1/obligations/${id}/${action}`, { key: dept, body });
    expect(res.status).toBe(200);
  };

  const SEALING = {
    waterCut: true,
    powerCut: true,
    powerUnitsRemoved: true,
    commitmentRef: '承诺书〔2024〕3号',
    announcementUrl: 'https://www.heyuan.gov.cn/gkmlpt/content/2024/11/notice.html',
    dismantleBy: '2025-11-30',
  };

  beforeAll(async () => {
    t = await startTestApp({ dimensions: { energy: { noticeDays: 0, repair: { minMonths: 0, maxMonths: 36 } } } }, '2025-07-01T04:00:00Z');
    dept = await t.key({ role: 'department', department: 'industry_it' });
    const operator = await t.key({ role: 'operator' });

    // Yellow: one on time with text that needs CSV quoting, one extended and overdue in another county.
    ids.y1 = await open(dept, 1, { name: '河源市"红星",钢铁有限公司' }, { issuedOn: '2025-03-31', basis: '《方案》"能耗"标准，第三条, 第四款' });
    ids.y2 = await open(dept, 2, { county: '441621' }, { county: '441621', issuedOn: '2024-06-15' });
    await post(ids.y2, 'extension', { requestedDeadline: '2025-03-01', reason: '设备改造', appliedOn: '2024-12-01' });
    // Ordered to exit after rectification (it leaves the yellow list that day), and opened directly at exit_ordered:
    // neither is on the red list, which holds only cases closed by law.
    ids.r1 = await open(dept, 3, {}, { issuedOn: '2025-01-10' });
    await post(ids.r1, 'exit-order', { exitDeadline: '2025-12-31', decidedOn: '2025-05-01' });
    ids.r2 = await open(dept, 4, { county: '441622' }, { county: '441622', dimension: 'technology', stage: 'exit_ordered', issuedOn: '2024-11-01', deadline: '2025-12-31' });
    // Exited: dismantled this year with the verified capacity, sealed last year with the ordered one, closed by law this year.
    ids.x1 = await open(dept, 6, {}, { issuedOn: '2025-01-10' });
    await post(ids.x1, 'exit-order', { exitDeadline: '2025-06-30', decidedOn: '2025-02-01' });
    await post(ids.x1, 'exit-completed', {
      completedOn: '2025-05-20',
      method: 'dismantled',
      capacityExited: [
        { equipment: '1号转炉', line: '炼钢一线,二线', amount: 40, unit: '万吨/年' },
        { equipment: '2号转炉', amount: 20.5, unit: '万吨/年' },
      ],
    });
    ids.x2 = await open(dept, 7, { county: '441621' }, { county: '441621', dimension: 'technology', stage: 'exit_ordered', issuedOn: '2024-03-01', deadline: '2024-12-31' });
    await post(ids.x2, 'exit-completed', { completedOn: '2024-11-30', method: 'sealed', sealing: SEALING });
    ids.c1 = await open(dept, 12, { county: '441623' }, { county: '441623', issuedOn: '2025-01-15' });
    await post(ids.c1, 'exit-order', { exitDeadline: '2025-06-15', decidedOn: '2025-03-01', approvedBy: '河源市人民政府' });
    await post(ids.c1, 'exit-completed', { completedOn: '2025-06-10', method: 'closed' });
    // Rectified: leaves the yellow list on the day it was verified.
    ids.done = await open(dept, 9, {}, { issuedOn: '2025-03-31' });
    await post(ids.done, 'rectified', { verifiedOn: '2025-05-20' });
    // Sanctioned through the real sweep (notice period 0) on 2025-06-11; one exits on 06-20 and its record is revoked.
    const s1 = await exitOrdered(t, dept, 5, '2025-06-10');
    const s2 = await exitOrdered(t, dept, 8, '2025-06-10', { county: '441625' });
    Object.assign(ids, { s1: s1.id, s2: s2.id });
    Object.assign(codes, { 5: s1.uscc, 8: s2.uscc });
    expect((await sweep(t, operator, '2025-06-11T08:00:00+08:00')).sanctioned).toBe(2);
    t.clock.set('2025-06-20T04:00:00Z');
    await post(ids.s2, 'exit-completed', { completedOn: '2025-06-19', method: 'dismantled' });
    // The register renames the first sanctioned enterprise: the sanctions list keeps the name the record was signed with.
    expect((await t.request('POST', '/v1/enterprises', { key: dept, body: enterprise(5, { name: '河源市改名后钢铁有限公司' }) })).status).toBe(200);
    t.clock.set('2025-07-01T04:00:00Z');
  });
  afterAll(() => t.close());

  const NATIONAL = ['name', 'uscc', 'county', 'dimension', 'department', 'basis', 'listedOn', 'removedOn'];

  it('lists obligations in rectification on the yellow list, without a key, with the national fields, deadline and overdue flag', async () => {
    const res = await list('yellow');
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(usccs(res.body.items)).toEqual([codes[2], codes[1]]);
    expect(res.body.items[0]).toEqual({
      name: '河源市测试钢铁有限公司2',
      uscc: codes[2],
      county: { code: '441621', name: '紫金县' },
      dimension: { code: 'energy', name: '能耗' },
      department: { code: 'industry_it', name: '工业和信息化局' },
      basis: '《河源市淘汰落后产能工作方案》能耗标准',
      listedOn: '2024-06-15',
      removedOn: null,
      issuedOn: '2024-06-15',
      deadline: '2025-03-01',
      extended: true,
      overdue: true,
    });
    expect(res.body.items[1]).toMatchObject({ name: '河源市"红星",钢铁有限公司', deadline: '2025-09-30', extended: false, overdue: false });
  });

  it('shows the cases that left the yellow list with the day they left', async () => {
    const removed = (await list('yellow?state=removed')).body.items;
    const by = (n: number) => removed.find((i: { uscc: string }) => i.uscc === codes[n]);
    expect(new Set(usccs(removed))).toEqual(new Set([codes[3], codes[6], codes[9], codes[12]]));
    expect(by(3)).toMatchObject({ listedOn: '2025-01-10', removedOn: '2025-05-01', overdue: false });
    expect(by(9)).toMatchObject({ listedOn: '2025-03-31', removedOn: '2025-05-20' });
    const all = usccs((await list('yellow?state=all&year=2025')).body.items);
    expect(new Set(all)).toEqual(new Set([codes[1], codes[3], codes[6], codes[9], codes[12]]));
    expect((await list('yellow?state=gone')).status).toBe(400);
  });

  it('filters the yellow list by the year issued and by county', async () => {
    expect(usccs((await list('yellow?year=2025')).body.items)).toEqual([codes[1]]);
    expect(usccs((await list('yellow?year=2024')).body.items)).toEqual([codes[2]]);
    expect(usccs((await list('yellow?county=441621')).body.items)).toEqual([codes[2]]);
    expect((await list('yellow?county=441622')).body.items).toEqual([]);
  });

  it('lists only cases closed by law after an exit order on the red list, by the day of closure', async () => {
    const res = await list('red');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        name: '河源市测试钢铁有限公司12',
        uscc: codes[12],
        county: { code: '441623', name: '连平县' },
        dimension: { code: 'energy', name: '能耗' },
        department: { code: 'industry_it', name: '工业和信息化局' },
        basis: '《河源市淘汰落后产能工作方案》能耗标准',
        listedOn: '2025-06-10',
        removedOn: null,
        issuedOn: '2025-01-15',
        decidedOn: '2025-03-01',
        exitDeadline: '2025-06-15',
        completedOn: '2025-06-10',
        capacity: [{ equipment: '450m³高炉', line: '一号线', amount: 60, unit: '万吨/年' }],
      },
    ]);
    // Ordered to exit, notified, sanctioned, dismantled or sealed: none of them is closed by law.
    for (const n of [3, 4, 5, 6, 7, 8]) expect(usccs(res.body.items)).not.toContain(codes[n]);
    expect((await list('red?year=2024')).body.items).toEqual([]);
    expect((await list('red?state=removed')).body.items).toEqual([]);
  });

  it('pages with a cursor through the same order, each entry once', async () => {
    const whole = usccs((await list('yellow?state=all')).body.items);
    expect(whole).toHaveLength(6);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`yellow?state=all&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...usccs(res.body.items));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(whole);
  });

  it('lists this year\'s exits by default with the capacity that exited, and sealed capacity apart', async () => {
    const res = await list('exit');
    expect(usccs(res.body.items)).toEqual([codes[6], codes[12], codes[8]]);
    expect(res.body.items[0]).toMatchObject({
      uscc: codes[6],
      industry: { code: 'steel', name: '钢铁' },
      method: { code: 'dismantled', name: '拆除' },
      completedOn: '2025-05-20',
      listedOn: '2025-05-20',
      dismantleBy: null,
      capacity: [
        { equipment: '1号转炉', line: '炼钢一线,二线', amount: 40, unit: '万吨/年' },
        { equipment: '2号转炉', line: null, amount: 20.5, unit: '万吨/年' },
      ],
    });
    const last = await list('exit?year=2024');
    expect(last.body.items).toEqual([
      expect.objectContaining({
        uscc: codes[7],
        method: { code: 'sealed', name: '封存' },
        dismantleBy: '2025-11-30',
        dismantledOn: null,
        capacity: [{ equipment: '450m³高炉', line: '一号线', amount: 60, unit: '万吨/年' }],
      }),
    ]);
    expect(usccs((await list('exit?year=2024&method=sealed')).body.items)).toEqual([codes[7]]);
    expect((await list('exit?year=2024&method=dismantled')).body.items).toEqual([]);
    expect(usccs((await list('exit?method=closed')).body.items)).toEqual([codes[12]]);
  });

  it('lists active sanction records with the signed name, basis, deciding department, listing and removal dates', async () => {
    const rows = await t.app.get(DataSource).query(`SELECT obligation_id, record_id FROM records`);
    const recordOf = (id: string) => rows.find((r: { obligation_id: string }) => r.obligation_id === id).record_id;
    const res = await list('sanctions');
    expect(res.body.items).toHaveLength(1);
    const [item] = res.body.items;
    expect(Object.keys(item)).toEqual(expect.arrayContaining(NATIONAL));
    expect(item).toMatchObject({
      recordId: recordOf(ids.s1),
      name: '河源市测试钢铁有限公司5',
      department: { code: 'industry_it', name: '工业和信息化局' },
      basis: '《河源市淘汰落后产能工作方案》能耗标准',
      listedOn: '2025-06-11',
      removedOn: null,
      publicationEndsOn: '2028-06-11',
      status: 'active',
      dimension: { code: 'energy', name: '能耗' },
    });
    expect(item.measures).toHaveLength(ALL_MEASURES);
    const removed = await list('sanctions?state=removed');
    expect(removed.body.items).toEqual([
      expect.objectContaining({ recordId: recordOf(ids.s2), uscc: codes[8], removedOn: '2025-06-20', status: 'revoked', revocationReason: 'exit_completed' }),
    ]);
    const county = await list('sanctions?state=all&county=441625');
    expect(county.body.items).toEqual([expect.objectContaining({ recordId: recordOf(ids.s2), uscc: codes[8], county: { code: '441625', name: '东源县' } })]);
    expect((await list('sanctions?year=2024')).body.items).toEqual([]);
    // The register's new name shows where the register is read, not on the signed record's row.
    expect((await t.request('GET', `/v1/enterprises/${codes[5]}`, { key: dept })).body.name).toBe('河源市改名后钢铁有限公司');
  });

  it('exports the whole list as CSV with a byte order mark, Chinese headers and RFC 4180 quoting', async () => {
    const res = await raw('yellow?format=csv&limit=1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('filename="yellow-list.csv"');
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.bytes.toString('utf8');
    expect(text).toContain('"河源市""红星"",钢铁有限公司"');
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = csvRows(res.bytes);
    expect(rows[0]).toEqual([
      '企业名称', '统一社会信用代码', '县区代码', '县区', '维度', '认定部门代码', '认定部门', '认定依据', '列入日期', '移出日期', '整改期限', '是否延期', '是否逾期',
    ]);
    expect(rows.slice(1)).toEqual([
      ['河源市测试钢铁有限公司2', codes[2], '441621', '紫金县', '能耗', 'industry_it', '工业和信息化局', '《河源市淘汰落后产能工作方案》能耗标准', '2024-06-15', '', '2025-03-01', '是', '是'],
      ['河源市"红星",钢铁有限公司', codes[1], '441602', '源城区', '能耗', 'industry_it', '工业和信息化局', '《方案》"能耗"标准，第三条, 第四款', '2025-03-31', '', '2025-09-30', '否', '否'],
    ]);
  });

  it('prints one CSV line per piece of exited equipment, and the sanctions with 认定依据 and 移出日期', async () => {
    const exit = csvRows((await raw('exit?format=csv&year=2025&method=dismantled')).bytes);
    expect(exit[0]).toEqual(expect.arrayContaining(['设备', '生产线', '产能', '单位', '退出方式', '完成退出日期', '封存设备拆除期限', '拆除日期']));
    expect(exit.slice(1).filter((r) => r[1] === codes[6]).map((r) => r.slice(11, 17))).toEqual([
      ['1号转炉', '炼钢一线,二线', '40', '万吨/年', '拆除', '2025-05-20'],
      ['2号转炉', '', '20.5', '万吨/年', '拆除', '2025-05-20'],
    ]);
    const sanctions = csvRows((await raw('sanctions?format=csv&state=all&county=441625')).bytes);
    expect(sanctions).toHaveLength(2);
    expect(sanctions[0]).toEqual([
      '记录编号', '企业名称', '统一社会信用代码', '县区代码', '县区', '维度', '认定部门代码', '认定部门', '认定依据', '列入日期', '移出日期', '惩戒措施', '公示截止日期',
    ]);
    expect(sanctions[1].slice(2, 3)).toEqual([codes[8]]);
    expect(sanctions[1].slice(8, 11)).toEqual(['《河源市淘汰落后产能工作方案》能耗标准', '2025-06-11', '2025-06-20']);
    expect(sanctions[1][11]).toContain('土地供应、');
    const red = csvRows((await raw('red?format=csv')).bytes);
    expect(red).toHaveLength(2);
  });

  it('answers 304 to a matching If-None-Match, and a new tag once the list changes', async () => {
    const first = await list('yellow');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=300');
    const again = await list('yellow', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    const csv = await list('yellow?format=csv');
    const csvTag = csv.headers.get('etag')!;
    expect(csvTag).not.toBe(etag);
    expect((await list('yellow?format=csv', { 'if-none-match': `W/${csvTag}` })).status).toBe(304);

    await open(dept, 10, {}, { issuedOn: '2025-04-01' });
    const changed = await list('yellow', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.body.items).toHaveLength(3);
    expect(changed.headers.get('etag')).not.toBe(etag);
    const changedCsv = await list('yellow?format=csv', { 'if-none-match': csvTag });
    expect(changedCsv.status).toBe(200);
    expect(changedCsv.headers.get('etag')).not.toBe(csvTag);
  });

  it('writes a CSV longer than one database page completely and in order', async () => {
    const e = enterprise(11, { county: '441624' });
    const rows = Array.from({ length: 1203 }, (_, i) =>
      JSON.stringify({ ...obligation(e.uscc, `BULK-${i}`, { county: '441624', issuedOn: `2023-01-${String(1 + (i % 28)).padStart(2, '0')}` }), enterprise: { name: e.name, industry: 'steel' } }),
    );
    const imported = await t.request('POST', '/v1/obligations:import', { key: dept, raw: rows.join('\n'), headers: { 'content-type': 'application/x-ndjson' } });
    expect(imported.status).toBe(201);
    expect(imported.body.imported).toBe(1203);
    const csv = csvRows((await raw('yellow?format=csv&county=441624')).bytes);
    expect(csv).toHaveLength(1 + 1203);
    const issued = csv.slice(1).map((r) => r[8]);
    expect(csv.slice(1).every((r) => r[9] === '')).toBe(true);
    expect(issued).toEqual([...issued].sort());
    expect(issued.filter((d) => d === '2023-01-01')).toHaveLength(43);
  });

  it('refuses a bad list, year, county, cursor or limit with an error naming it', async () => {
    const unknown = await list('green');
    expect(unknown.status).toBe(404);
    expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'list' })]);
    for (const [query, field] of [
      ['year=abc', 'year'],
      ['year=20255', 'year'],
      ['county=999999', 'county'],
      ['cursor=not-a-cursor', 'cursor'],
      ['limit=0', 'limit'],
      ['format=xlsx', 'format'],
    ]) {
      const res = await list(`red?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    const foreign = Buffer.from(JSON.stringify(['2025-01-01', "x' OR 1=1"])).toString('base64url');
    expect((await list(`red?cursor=${foreign}`)).status).toBe(400);
  });
});
