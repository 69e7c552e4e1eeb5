import { startTestApp, TestApp } from './support/app';
import { enterprise, obligation, uscc } from './support/fixtures';

const BOM = '\ufeff';
const HEADER = '统一社会信用代码,企业名称,行业,维度,责任部门,县区,依据,下达日期,案件编号,设备,生产线,产能,单位';
const CSV = { 'content-type': 'text/csv; charset=utf-8' };
const NDJSON = { 'content-type': 'application/x-ndjson' };

function csvRow(code: string, ref: string, o: { name?: string; industry?: string; county?: string; amount?: string } = {}): string {
  return [code, o.name ?? '', o.industry ?? '', '能耗', '工业和信息化局', o.county ?? '源城区', '"依据, 第一条"', '2025-03-31', ref, '高炉', '一号线', o.amount ?? '60', '万吨/年'].join(',');
}

describe('POST /v1/obligations:import', () => {
  let t: TestApp;
  let admin: string;
  let dept: string;

  beforeAll(async () => {
    t = await startTestApp({ http: { importBodyLimitBytes: 64 * 1024, importMaxRows: 50 } });
    admin = await t.key({ role: 'admin' });
    dept = await t.key({ role: 'department', department: 'industry_it', counties: ['441602', '441621'] });
    expect((await t.request('POST', '/v1/enterprises', { key: admin, body: enterprise(1) })).status).toBe(201);
    expect((await t.request('POST', '/v1/enterprises', { key: admin, body: enterprise(5, { county: '441622' }) })).status).toBe(201);
  });
  afterAll(() => t.close());

  async function counts(): Promise<{ enterprises: number; obligations: number }> {
    const e = await t.request('GET', '/v1/enterprises?limit=500', { key: admin });
    const o = await t.request('GET', '/v1/obligations?limit=500', { key: admin });
    return { enterprises: e.body.items.length, obligations: o.body.items.length };
  }

  it('imports a CSV with Chinese headers and a BOM, readable through GET, and skips it when repeated', async () => {
    const file = `${BOM}${HEADER}\r\n${csvRow(uscc(1), 'CSV-1')}\r\n${csvRow(uscc(2), 'CSV-2', { name: '乙水泥', industry: '水泥', county: '紫金县' })}\r\n\r\n`;
    const first = await t.request('POST', '/v1/obligations:import', { key: dept, raw: file, headers: CSV });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ imported: 2, skipped: 0, enterprisesCreated: 1 });
    expect(first.body.obligationIds).toHaveLength(2);

    const [id1, id2] = first.body.obligationIds;
    const one = await t.request('GET', `/v1/obligations/${id2}`, { key: dept });
    expect(one.body).toMatchObject({
      uscc: uscc(2),
      dimension: 'energy',
      department: 'industry_it',
      county: '441621',
      basis: '依据, 第一条',
      externalRef: 'CSV-2',
      stage: 'rectification',
      deadline: '2025-09-30',
      capacity: [{ equipment: '高炉', line: '一号线', amount: 60, unit: '万吨/年' }],
    });
    const listed = await t.request('GET', '/v1/obligations?county=441602', { key: dept });
    expect(listed.body.items.map((o: { id: string }) => o.id)).toContain(id1);
    const history = await t.request('GET', `/v1/obligations/${id1}/history`, { key: dept });
    expect(history.body.items).toEqual([expect.objectContaining({ action: 'created', before: null, after: expect.objectContaining({ id: id1, externalRef: 'CSV-1' }) })]);
    expect((await t.request('GET', `/v1/enterprises/${uscc(2)}`, { key: dept })).body).toMatchObject({ name: '乙水泥', industry: 'cement', county: '441621' });

    const again = await t.request('POST', '/v1/obligations:import', { key: dept, raw: file, headers: CSV });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ imported: 0, skipped: 2, enterprisesCreated: 0, obligationIds: [id1, id2] });
  });

  it('rejects a file with bad lines, listing each line and field, and writes nothing', async () => {
    const before = await counts();
    const file = [
      HEADER,
      csvRow(uscc(30), 'BAD-1', { name: '丙钢铁', industry: '钢铁' }), // good on its own: must not be written
      csvRow(`${uscc(31).slice(0, 17)}0`, 'BAD-2'), // check character
      csvRow(uscc(1), 'BAD-3', { amount: 'sixty' }),
      csvRow(uscc(32), 'BAD-4'), // unknown enterprise, not given inline
      csvRow(uscc(1), 'BAD-1'), // repeats line 2
      csvRow(uscc(1), 'BAD-6', { county: '龙川县' }), // outside the key's counties
      csvRow(uscc(1), 'CSV-1', { amount: '70' }), // names a stored case with different content
      'too,few',
      csvRow(uscc(5), 'BAD-10', { name: '己钢铁', industry: '钢铁' }), // would move an enterprise registered outside the key's counties
      csvRow(uscc(30), 'BAD-11', { name: '丙钢铁集团', industry: '钢铁' }), // contradicts line 2's enterprise
    ].join('\n');
    const res = await t.request('POST', '/v1/obligations:import', { key: dept, raw: file, headers: CSV });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const found = new Set((res.body.details as Array<{ line: number; field: string }>).map((d) => `${d.line}:${d.field}`));
    expect([...found]).toEqual(['3:uscc', '4:amount', '5:uscc', '6:externalRef', '7:county', '8:externalRef', '9:body', '10:enterpriseCounty', '11:enterpriseName']);
    expect(await counts()).toEqual(before);
    expect((await t.request('GET', `/v1/enterprises/${uscc(30)}`, { key: admin })).status).toBe(404);
  });

  it('takes each case\'s county from its enterprise, and changes a known register only as the keepers may, with history', async () => {
    const ndjson = { 'content-type': 'application/x-ndjson' };
    const eco = await t.principal({ role: 'department', department: 'ecology_environment', name: '生态环境局导入' });
    const before = await counts();
    const mismatch = [JSON.stringify(obligation(uscc(1), 'CM-1', { county: '441621' }))].join('\n');
    const wrongCounty = await t.request('POST', '/v1/obligations:import', { key: dept, raw: mismatch, headers: ndjson });
    expect(wrongCounty.status).toBe(400);
    expect(wrongCounty.body.details).toEqual([{ line: 1, field: 'county', message: expect.stringContaining('(441602)') }]);
    const environment = { dimension: 'environment', department: 'ecology_environment', deadline: '2025-09-30' };
    const rename = JSON.stringify({ ...obligation(uscc(1), 'CM-2', environment), enterprise: { name: '河源市改名钢铁有限公司', industry: 'steel' } });
    const refused = await t.request('POST', '/v1/obligations:import', { key: eco.key, raw: rename, headers: ndjson });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([{ line: 1, field: 'enterprise', message: expect.stringContaining('only an admin or the departments that keep the register') }]);
    expect(await counts()).toEqual(before);

    const keeper = JSON.stringify({ ...obligation(uscc(1), 'CM-3'), enterprise: { name: '河源市改名钢铁有限公司', industry: 'steel' } });
    expect((await t.request('POST', '/v1/obligations:import', { key: dept, raw: keeper, headers: ndjson })).status).toBe(201);
    const history = (await t.request('GET', `/v1/enterprises/${uscc(1)}/history`, { key: admin })).body.items;
    expect(history[history.length - 1]).toMatchObject({ action: 'changed', before: { name: '河源市测试钢铁有限公司1' }, after: { name: '河源市改名钢铁有限公司' } });
  });

  it('imports NDJSON with an inline enterprise and honours Idempotency-Key', async () => {
    const lines = [
      JSON.stringify({ ...obligation(uscc(40), 'ND-1'), enterprise: { name: '丁玻璃', industry: 'flat_glass' } }),
      '',
      JSON.stringify(obligation(uscc(40), 'ND-2', { dimension: 'technology', stage: 'exit_ordered', deadline: '2025-12-31' })),
    ].join('\n');
    const headers = { ...NDJSON, 'idempotency-key': 'nd-batch-1' };
    const res = await t.request('POST', '/v1/obligations:import', { key: dept, raw: lines, headers });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ imported: 2, skipped: 0, enterprisesCreated: 1 });
    expect((await t.request('GET', `/v1/enterprises/${uscc(40)}`, { key: dept })).body).toMatchObject({ name: '丁玻璃', county: '441602' });
    const exit = await t.request('GET', `/v1/obligations/${res.body.obligationIds[1]}`, { key: dept });
    expect(exit.body).toMatchObject({ stage: 'exit_ordered', deadline: '2025-12-31' });

    const replay = await t.request('POST', '/v1/obligations:import', { key: dept, raw: lines, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(res.body);
  });

  it('names NDJSON fields by their JSON path and bad JSON by line', async () => {
    const lines = [
      JSON.stringify({ ...obligation(uscc(41), 'ND-3'), enterprise: { name: '戊' }, colour: 'red' }),
      '{"uscc":',
      JSON.stringify(obligation(uscc(1), 'ND-4', { basis: 'a\u0000b' })),
    ].join('\n');
    const res = await t.request('POST', '/v1/obligations:import', { key: dept, raw: lines, headers: NDJSON });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 1, field: 'colour', message: 'unknown field' }),
        expect.objectContaining({ line: 1, field: 'enterprise.industry' }),
        expect.objectContaining({ line: 2, field: 'body' }),
        { line: 3, field: 'basis', message: 'must not contain the NUL character' },
      ]),
    );
  });

  it('answers 413 for a body over the size limit or too many rows, and 415 for other content types', async () => {
    const big = await t.request('POST', '/v1/obligations:import', { key: dept, raw: `${HEADER}\n${'x'.repeat(70 * 1024)}`, headers: CSV });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ statusCode: 413, details: [expect.objectContaining({ field: 'body' })] });

    const rows = Array.from({ length: 51 }, (_, i) => csvRow(uscc(1), `MANY-${i}`));
    const many = await t.request('POST', '/v1/obligations:import', { key: dept, raw: [HEADER, ...rows].join('\n'), headers: CSV });
    expect(many.status).toBe(413);
    expect(many.body.message).toContain('50 rows');

    const json = await t.request('POST', '/v1/obligations:import', { key: dept, body: [obligation(uscc(1), 'J-1')] });
    expect(json.status).toBe(415);
    expect(json.body.details).toEqual([expect.objectContaining({ field: 'content-type' })]);
    const plain = await t.request('POST', '/v1/obligations:import', { key: dept, raw: 'x', headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBe(415);
  });

  it('is for departments: an agency key is refused', async () => {
    const agency = await t.key({ role: 'agency', domains: ['land_supply'] });
    const res = await t.request('POST', '/v1/obligations:import', { key: agency, raw: `${HEADER}\n`, headers: CSV });
    expect(res.status).toBe(403);
  });
});
