import { ApiError, ValidationFailed } from '../../common/http/api-error';
import { csvField, decodeBody, nulField, parseCsv, parseNdjson } from './import.parser';

const ENGLISH = 'uscc,dimension,department,county,basis,issuedOn,externalRef,equipment,line,amount,unit';

const MAX_LINE = 65536;

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected an error');
}

async function rejected(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected an error');
}

describe('decodeBody', () => {
  it('drops a UTF-8 byte-order mark and picks the format from the content type', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('统一社会信用代码\n')]);
    expect(decodeBody(body, 'text/csv; charset=utf-8')).toEqual({ format: 'csv', text: '统一社会信用代码\n' });
    expect(decodeBody(Buffer.from('{}'), 'application/x-ndjson').format).toBe('ndjson');
  });

  it('reads GB18030 when the charset names it', () => {
    const gbk = Buffer.from([0xc6, 0xf3, 0xd2, 0xb5]); // 企业
    expect(decodeBody(gbk, 'text/csv; charset=GBK').text).toBe('企业');
  });

  it('refuses JSON bodies and unknown charsets with 415 naming content-type', () => {
    const json = thrown(() => decodeBody({ a: 1 }, 'application/json'));
    expect(json.getStatus()).toBe(415);
    expect(json.details).toEqual([expect.objectContaining({ field: 'content-type' })]);
    expect(thrown(() => decodeBody(Buffer.from('x'), 'text/csv; charset=latin1')).getStatus()).toBe(415);
  });

  it('rejects bytes that are not UTF-8 as a body problem', () => {
    const e = thrown(() => decodeBody(Buffer.from([0xc6, 0xf3]), 'text/csv'));
    expect(e).toBeInstanceOf(ValidationFailed);
    expect(e.details).toEqual([expect.objectContaining({ field: 'body' })]);
  });
});

describe('parseCsv', () => {
  it('maps Chinese headers and values, skips blank lines and keeps the file line of each row', async () => {
    const text = [
      '统一社会信用代码,企业名称,行业,维度,责任部门,县区,依据,下达日期,期限,阶段,案件编号,设备,生产线,产能,单位',
      '91441600000000017X,甲钢铁,钢铁,能耗,工业和信息化局,源城区,依据一,2025-03-31,,整改,A-1,高炉,一号线,60,万吨/年',
      '',
      '   ',
      '91441600000000017X,,,技术,industry_it,441602,依据二,2025-04-01,2025-12-31,责令退出,A-2,转炉,,1.5,MW',
    ].join('\r\n');
    const { rows, problems } = await parseCsv(text, MAX_LINE, {
      departments: new Map([['工业和信息化局', 'industry_it']]),
      counties: new Map([['源城区', '441602']]),
    });
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        record: {
          uscc: '91441600000000017X',
          dimension: 'energy',
          department: 'industry_it',
          county: '441602',
          basis: '依据一',
          issuedOn: '2025-03-31',
          stage: 'rectification',
          externalRef: 'A-1',
          capacity: [{ equipment: '高炉', line: '一号线', amount: 60, unit: '万吨/年' }],
          enterprise: { name: '甲钢铁', industry: 'steel' },
        },
      },
      {
        line: 5,
        record: expect.objectContaining({
          dimension: 'technology',
          deadline: '2025-12-31',
          stage: 'exit_ordered',
          capacity: [{ equipment: '转炉', amount: 1.5, unit: 'MW' }],
        }),
      },
    ]);
    expect(rows[1].record).not.toHaveProperty('enterprise');
  });

  it('reads quoted fields with commas, quotes and newlines, and numbers rows by the line they start on', async () => {
    const text = `${ENGLISH}\nX,energy,industry_it,441602,"依据, 第一条 ""甲""",2025-01-01,R-1,"高炉,一号","线\n二",60,t\nY,energy,industry_it,441602,b,2025-01-01,R-2,e,,abc,t\n`;
    const { rows } = await parseCsv(text, MAX_LINE);
    expect(rows.map((r) => r.line)).toEqual([2, 4]);
    expect(rows[0].record).toMatchObject({ basis: '依据, 第一条 "甲"', capacity: [{ equipment: '高炉,一号', line: '线\n二' }] });
    // Not a number: left as text so validation names the field.
    expect(rows[1].record.capacity).toEqual([{ equipment: 'e', amount: 'abc', unit: 't' }]);
  });

  it('reports rows with the wrong number of fields as line problems', async () => {
    const { rows, problems } = await parseCsv(`${ENGLISH}\nX,energy\n`, MAX_LINE);
    expect(rows).toEqual([]);
    expect(problems).toEqual([{ line: 2, field: 'body', message: 'has 2 fields; the header has 11' }]);
  });

  it('rejects unknown, repeated and missing columns on line 1', async () => {
    const e = await rejected(parseCsv('uscc,USCC,colour\nx,y,z\n', MAX_LINE));
    const fields = (e.details as Array<{ field: string; line: number }>).map((d) => `${d.line}:${d.field}`);
    expect(fields).toEqual(expect.arrayContaining(['1:colour', '1:USCC', '1:dimension', '1:unit']));
  });

  it('rejects an unclosed quote with its line', async () => {
    const e = await rejected(parseCsv(`${ENGLISH}\nX,"energy\n`, MAX_LINE));
    expect(e.details).toEqual([expect.objectContaining({ field: 'body', line: 2 })]);
  });

  it('refuses a record longer than the limit with its line, read across many slices', async () => {
    const row = 'X,energy,industry_it,441602,b,2025-01-01,R-1,e,,1,t';
    const text = [ENGLISH, ...Array.from({ length: 3000 }, () => row), ','.repeat(300_000), row].join('\n');
    const e = await rejected(parseCsv(text, 1024));
    expect(e.getStatus()).toBe(400);
    expect(e.details).toEqual([{ line: 3002, field: 'body', message: expect.stringContaining('longer than 1024 characters') }]);
    const ok = await parseCsv([ENGLISH, ...Array.from({ length: 3000 }, () => row)].join('\n'), 1024);
    expect(ok.rows).toHaveLength(3000);
    expect(ok.rows[2999].line).toBe(3001);
  });

  it('translates DTO paths to CSV columns', () => {
    expect(['capacity.0.amount', 'enterprise.name', 'enterprise.county', 'uscc'].map(csvField)).toEqual([
      'amount',
      'enterpriseName',
      'enterpriseCounty',
      'uscc',
    ]);
  });
});

describe('parseNdjson', () => {
  it('reads one object per line, skipping blank lines, and reports bad lines by number', async () => {
    const text = '{"externalRef":"A"}\r\n\n{"externalRef":\n[1]\n{"externalRef":"B","enterprise":{"name":"x"}}';
    const { rows, problems } = await parseNdjson(text, MAX_LINE);
    expect(rows).toEqual([
      { line: 1, record: { externalRef: 'A' } },
      { line: 5, record: { externalRef: 'B', enterprise: { name: 'x' } } },
    ]);
    expect(problems).toEqual([
      { line: 3, field: 'body', message: expect.stringContaining('not valid JSON') },
      { line: 4, field: 'body', message: 'must be a JSON object' },
    ]);
  });
});

describe('parseNdjson limits', () => {
  it('refuses a line longer than the limit with its number', async () => {
    const text = ['{"externalRef":"A"}', `{"basis":"${'x'.repeat(2000)}"}`].join('\n');
    const e = await rejected(parseNdjson(text, 1024));
    expect(e.details).toEqual([{ line: 2, field: 'body', message: expect.stringContaining('longer than 1024 characters') }]);
  });
});

describe('nulField', () => {
  it('finds the path of a string with a NUL character', () => {
    expect(nulField({ capacity: [{ unit: 't' }, { unit: 'x\u0000' }] })).toBe('capacity.1.unit');
    expect(nulField({ basis: 'fine', amount: 3 })).toBeNull();
  });
});
