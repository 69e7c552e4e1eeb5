import { usccCheckCharacter } from '../src/enterprises/uscc';
import { startTestApp, TestApp } from './support/app';
import { enterprise, uscc } from './support/fixtures';

describe('enterprises', () => {
  let t: TestApp;
  let dept: string;
  beforeAll(async () => {
    t = await startTestApp();
    dept = await t.key({ role: 'department', department: 'industry_it' });
  });
  afterAll(() => t.close());

  it('registers, then updates on repeat (201, then 200 with the new name)', async () => {
    const first = await t.request('POST', '/v1/enterprises', { key: dept, body: enterprise(1) });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ uscc: uscc(1), county: '441602', industry: 'steel', orgCodeValid: true });
    expect(first.body.warnings).toBeUndefined();
    const again = await t.request('POST', '/v1/enterprises', { key: dept, body: enterprise(1, { name: '河源市新名称水泥有限公司', industry: 'cement' }) });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ name: '河源市新名称水泥有限公司', industry: 'cement' });
    const read = await t.request('GET', `/v1/enterprises/${uscc(1)}`, { key: dept });
    expect(read.status).toBe(200);
    expect(read.body.name).toBe('河源市新名称水泥有限公司');
  });

  it('rejects a wrong check character with 400 naming uscc', async () => {
    const good = uscc(2);
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const res = await t.request('POST', '/v1/enterprises', { key: dept, body: enterprise(2, { uscc: bad }) });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'uscc', message: expect.stringContaining('check character') })]);
    expect((await t.request('GET', `/v1/enterprises/${bad}`, { key: dept })).status).toBe(404);
  });

  it('accepts an organisation-code mismatch with a warning and lists it in the data-quality report', async () => {
    const mismatch = uscc(3, { orgCodeMismatch: true });
    const res = await t.request('POST', '/v1/enterprises', { key: dept, body: enterprise(3, { uscc: mismatch }) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ orgCodeValid: false, warnings: ['org_code_mismatch'] });
    expect((await t.request('POST', '/v1/enterprises', { key: dept, body: enterprise(4) })).status).toBe(201);

    const report = await t.request('GET', '/v1/enterprises?quality=org_code_mismatch', { key: dept });
    expect(report.status).toBe(200);
    expect(report.body.items.map((e: any) => e.uscc)).toEqual([mismatch]);
    expect(report.body.nextCursor).toBeNull();
    const all = await t.request('GET', '/v1/enterprises', { key: dept });
    expect(all.body.items.map((e: any) => e.uscc)).toEqual(expect.arrayContaining([mismatch, uscc(4)]));
  });

  it('accepts codes whose first character is Y or N', async () => {
    for (const [n, prefix] of [
      [5, 'Y1'],
      [6, 'N2'],
    ] as const) {
      const code = uscc(n, { prefix });
      expect(code[0]).toBe(prefix[0]);
      const res = await t.request('POST', '/v1/enterprises', { key: dept, body: enterprise(n, { uscc: code }) });
      expect(res.status).toBe(201);
      expect(res.body.warnings).toBeUndefined();
    }
  });

  it('rejects characters outside the code set and the wrong length', async () => {
    const withI = `9144160I${uscc(7).slice(8, 17)}`;
    for (const code of [withI + usccCheckCharacter(withI), uscc(7).toLowerCase(), uscc(7).slice(0, 17)]) {
      const res = await t.request('POST', '/v1/enterprises', { key: dept, body: enterprise(7, { uscc: code }) });
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toBe('uscc');
    }
  });

  it('rejects an unknown county and a blank name, writing nothing', async () => {
    const county = await t.request('POST', '/v1/enterprises', { key: dept, body: enterprise(8, { county: '999999' }) });
    expect(county.status).toBe(400);
    expect(county.body.details).toEqual([expect.objectContaining({ field: 'county' })]);
    const blank = await t.request('POST', '/v1/enterprises', { key: dept, body: enterprise(8, { name: '   ' }) });
    expect(blank.status).toBe(400);
    expect(blank.body.details).toEqual([expect.objectContaining({ field: 'name' })]);
    expect((await t.request('GET', `/v1/enterprises/${uscc(8)}`, { key: dept })).status).toBe(404);
  });

  it('answers 404 for an unknown code, whatever its shape', async () => {
    for (const code of [uscc(99), 'NOT-A-CODE', 'X'.repeat(40)]) {
      const res = await t.request('GET', `/v1/enterprises/${code}`, { key: dept });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', message: expect.stringContaining('uscc') });
    }
  });

  it('pages the list with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: any = await t.request('GET', `/v1/enterprises?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: dept });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((e: any) => e.uscc));
      cursor = page.body.nextCursor;
    }
    const all = await t.request('GET', '/v1/enterprises', { key: dept });
    expect(seen).toEqual(all.body.items.map((e: any) => e.uscc));
    expect(new Set(seen).size).toBe(seen.length);
  });
});
