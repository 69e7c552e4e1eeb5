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

  beforeAll(async () => {
    t = await startTestApp({ dimensions: { energy: { noticeDays: 0 } } }, '2025-07-01T04:00:00Z');
    dept = await t.key({ role: 'department', department: 'industry_it' });
    const operator = await t.key({ role: 'operator' });

    // Yellow: one on time with text that needs CSV quoting, one extended and overdue in another county.
    ids.y1 = await open(dept, 1, { name: '河源市"红星",钢铁有限公司' }, { issuedOn: '2025-03-31', basis: '《方案》"能耗"标准，第三条, 第四款' });
    ids.y2 = await open(dept, 2, { county: '441621' }, { county: '441621', issuedOn: '2024-06-15' });
    await post(ids.y2, 'extension', { requestedDeadline: '2025-03-01', reason: '设备改造' });
    // Red: ordered to exit after rectification, and opened directly at exit_ordered.
    ids.r1 = await open(dept, 3, {}, { issuedOn: '2025-01-10' });
    await post(ids.r1, 'exit-order', { exitDeadline: '2025-12-31', decidedOn: '2025-05-01' });
    ids.r2 = await open(dept, 4, { county: '441622' }, { county: '441622', dimension: 'technology', stage: 'exit_ordered', issuedOn: '2024-11-01', deadline: '2025-12-31' });
    // Exited: this year with the verified capacity, last year with the ordered one.
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
    await post(ids.x2, 'exit-completed', { completedOn: '2024-11-30', method: 'sealed' });
    // Rectified: on no list.
    ids.done = await open(dept, 9, {}, { issuedOn: '2025-03-31' });
    await post(ids.done, 'rectified', { verifiedOn: '2025-05-20' });
    // Sanctioned through the real sweep (notice period 0).
    const s1 = await exitOrdered(t, dept, 5, '2025-06-10');
    const s2 = await exitOrdered(t, dept, 8, '2025-06-10', { county: '441625' });
    Object.assign(ids, { s1: s1.id, s2: s2.id });
    Object.assign(codes, { 5: s1.uscc, 8: s2.uscc });
    expect((await sweep(t, operator, '2025-06-11T08:00:00+08:00')).sanctioned).toBe(2);
  });
  afterAll(() => t.close());

  it('lists obligations in rectification on the yellow list, without a key, with deadline and overdue flag', async () => {
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
      issuedOn: '2024-06-15',
      deadline: '2025-03-01',
      extended: true,
      overdue: true,
    });
    expect(res.body.items[1]).toMatchObject({ name: '河源市"红星",钢铁有限公司', deadline: '2025-09-30', extended: false, overdue: false });
  });

  it('filters the yellow list by the year issued and by county', async () => {
    expect(usccs((await list('yellow?year=2025')).body.items)).toEqual([codes[1]]);
    expect(usccs((await list('yellow?year=2024')).body.items)).toEqual([codes[2]]);
    expect(usccs((await list('yellow?county=441621')).body.items)).toEqual([codes[2]]);
    expect((await list('yellow?county=441622')).body.items).toEqual([]);
  });

  it('lists every obligation ordered to exit on the red list, by the exit order date', async () => {
    const res = await list('red');
    expect(res.status).toBe(200);
    const all = usccs(res.body.items);
    expect(all.slice(0, 3)).toEqual([codes[7], codes[4], codes[6]]);
    expect(new Set(all.slice(3))).toEqual(new Set([codes[3], codes[5], codes[8]]));
    const by = (n: number) => res.body.items.find((i: { uscc: string }) => i.uscc === codes[n]);
    expect(by(3)).toMatchObject({ decidedOn: '2025-05-01', exitDeadline: '2025-12-31', stage: { code: 'exit_ordered', name: '已责令退出' }, completedOn: null });
    expect(by(4)).toMatchObject({ decidedOn: null, issuedOn: '2024-11-01', exitDeadline: '2025-12-31', county: { code: '441622', name: '龙川县' } });
    expect(by(5)).toMatchObject({ stage: { code: 'sanctioned', name: '已列入惩戒' }, exitDeadline: '2025-06-10' });
    expect(by(6)).toMatchObject({ stage: { code: 'exited', name: '已退出' }, completedOn: '2025-05-20', decidedOn: '2025-02-01' });
    expect(all).not.toContain(codes[1]);
    expect(all).not.toContain(codes[9]);

    expect(usccs((await list('red?year=2024')).body.items)).toEqual([codes[7], codes[4]]);
    expect((await list('red?year=2025')).body.items).toHaveLength(4);
    expect(usccs((await list('red?county=441625')).body.items)).toEqual([codes[8]]);
  });

  it('pages with a cursor through the same order, each entry once', async () => {
    const whole = usccs((await list('red')).body.items);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`red?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...usccs(res.body.items));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(whole);
  });

  it('lists this year\'s exits by default with the capacity that exited', async () => {
    const res = await list('exit');
    expect(res.body.items).toEqual([
      expect.objectContaining({
        uscc: codes[6],
        industry: { code: 'steel', name: '钢铁' },
        method: { code: 'dismantled', name: '拆除' },
        completedOn: '2025-05-20',
        capacity: [
          { equipment: '1号转炉', line: '炼钢一线,二线', amount: 40, unit: '万吨/年' },
          { equipment: '2号转炉', line: null, amount: 20.5, unit: '万吨/年' },
        ],
      }),
    ]);
    const last = await list('exit?year=2024');
    expect(last.body.items).toEqual([
      expect.objectContaining({
        uscc: codes[7],
        method: { code: 'sealed', name: '封存' },
        capacity: [{ equipment: '450m³高炉', line: '一号线', amount: 60, unit: '万吨/年' }],
      }),
    ]);
  });

  it('lists active sanction records with their record ids and measures', async () => {
    const rows = await t.app.get(DataSource).query(`SELECT obligation_id, record_id FROM records`);
    const recordOf = (id: string) => rows.find((r: { obligation_id: string }) => r.obligation_id === id).record_id;
    const res = await list('sanctions');
    expect(res.body.items).toHaveLength(2);
    expect(new Set(res.body.items.map((i: { recordId: string }) => i.recordId))).toEqual(new Set([recordOf(ids.s1), recordOf(ids.s2)]));
    expect(res.body.items[0]).toMatchObject({ listedOn: '2025-06-11', publicationEndsOn: '2028-06-11', dimension: { code: 'energy', name: '能耗' } });
    expect(res.body.items[0].measures).toHaveLength(ALL_MEASURES);
    const county = await list('sanctions?county=441625');
    expect(county.body.items).toEqual([expect.objectContaining({ recordId: recordOf(ids.s2), uscc: codes[8], county: { code: '441625', name: '东源县' } })]);
    expect((await list('sanctions?year=2024')).body.items).toEqual([]);
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
    expect(rows[0]).toEqual(['企业名称', '统一社会信用代码', '县区代码', '县区', '维度', '责任部门代码', '责任部门', '依据', '下达日期', '整改期限', '是否延期', '是否逾期']);
    expect(rows.slice(1)).toEqual([
      ['河源市测试钢铁有限公司2', codes[2], '441621', '紫金县', '能耗', 'industry_it', '工业和信息化局', '《河源市淘汰落后产能工作方案》能耗标准', '2024-06-15', '2025-03-01', '是', '是'],
      ['河源市"红星",钢铁有限公司', codes[1], '441602', '源城区', '能耗', 'industry_it', '工业和信息化局', '《方案》"能耗"标准，第三条, 第四款', '2025-03-31', '2025-09-30', '否', '否'],
    ]);
  });

  it('prints one CSV line per piece of exited equipment, and the measures in Chinese', async () => {
    const exit = csvRows((await raw('exit?format=csv&year=2025')).bytes);
    expect(exit[0]).toEqual(expect.arrayContaining(['设备', '生产线', '产能', '单位', '退出方式', '完成退出日期']));
    expect(exit.slice(1).map((r) => r.slice(8))).toEqual([
      ['1号转炉', '炼钢一线,二线', '40', '万吨/年', '拆除', '2025-05-20'],
      ['2号转炉', '', '20.5', '万吨/年', '拆除', '2025-05-20'],
    ]);
    const sanctions = csvRows((await raw('sanctions?format=csv&county=441625')).bytes);
    expect(sanctions).toHaveLength(2);
    expect(sanctions[0][0]).toBe('记录编号');
    expect(sanctions[1][2]).toBe(codes[8]);
    expect(sanctions[1][8]).toContain('土地供应、');
    const red = csvRows((await raw('red?format=csv')).bytes);
    expect(red).toHaveLength(7);
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
