import { ApiError, ValidationFailed } from '../../common/http/api-error';
import { csvField, decodeBody, nulField, parseCsv, parseNdjson } from './import.parser';

const ENGLISH = 'uscc,dimension,department,county,basis,issuedOn,externalRef,equipment,line,amount,unit';

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
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
  it('maps Chinese headers and values, skips blank lines and keeps the file line of each row', () => {
    const text = [
      '统一社会信用代码,企业名称,行业,维度,责任部门,县区,依据,下达日期,期限,阶段,案件编号,设备,生产线,产能,单位',
      '91441600000000017X,甲钢铁,钢铁,能耗,工业和信息化局,源城区,依据一,2025-03-31,,整改,A-1,高炉,一号线,60,万吨/年',
      '',
      '   ',
      '91441600000000017X,,,技术,industry_it,441602,依据二,2025-04-01,2025-12-31,责令退出,A-2,转炉,,1.5,MW',
    ].join('\r\n');
    const { rows, problems } = parseCsv(text, {
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

  it('reads quoted fields with commas, quotes and newlines, and numbers rows by the line they start on', () => {
    const text = `${ENGLISH}\nX,energy,industry_it,441602,"依据, 第一条 ""甲""",2025-01-01,R-1,"高炉,一号","线\n二",60,t\nY,energy,industry_it,441602,b,2025-01-01,R-2,e,,abc,t\n`;
    const { rows } = parseCsv(text);
    expect(rows.map((r) => r.line)).toEqual([2, 4]);
    expect(rows[0].record).toMatchObject({ basis: '依据, 第一条 "甲"', capacity: [{ equipment: '高炉,一号', line: '线\n二' }] });
    // Not a number: left as text so validation names the field.
    expect(rows[1].record.capacity).toEqual([{ equipment: 'e', amount: 'abc', unit: 't' }]);
  });

  it('reports rows with the wrong number of fields as line problems', () => {
    const { rows, problems } = parseCsv(`${ENGLISH}\nX,energy\n`);
    expect(rows).toEqual([]);
    expect(problems).toEqual([{ line: 2, field: 'body', message: 'has 2 fields; the header has 11' }]);
  });

  it('rejects unknown, repeated and missing columns on line 1', () => {
    const e = thrown(() => parseCsv('uscc,USCC,colour\nx,y,z\n'));
    const fields = (e.details as Array<{ field: string; line: number }>).map((d) => `${d.line}:${d.field}`);
    expect(fields).toEqual(expect.arrayContaining(['1:colour', '1:USCC', '1:dimension', '1:unit']));
  });

  it('rejects an unclosed quote with its line', () => {
    const e = thrown(() => parseCsv(`${ENGLISH}\nX,"energy\n`));
    expect(e.details).toEqual([expect.objectContaining({ field: 'body', line: 2 })]);
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
  it('reads one object per line, skipping blank lines, and reports bad lines by number', () => {
    const text = '{"externalRef":"A"}\r\n\n{"externalRef":\n[1]\n{"externalRef":"B","enterprise":{"name":"x"}}';
    const { rows, problems } = parseNdjson(text);
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

describe('nulField', () => {
  it('finds the path of a string with a NUL character', () => {
    expect(nulField({ capacity: [{ unit: 't' }, { unit: 'x\u0000' }] })).toBe('capacity.1.unit');
    expect(nulField({ basis: 'fine', amount: 3 })).toBeNull();
  });
});
