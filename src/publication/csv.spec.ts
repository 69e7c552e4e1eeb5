import { BOM, csvField, csvLine } from './csv';

describe('CSV writer', () => {
  it('leaves plain fields bare and ends records with CRLF', () => {
    expect(csvLine(['河源市钢铁有限公司', 60, true, null, undefined])).toBe('河源市钢铁有限公司,60,true,,\r\n');
  });

  it('quotes fields with commas, quotes and line breaks, doubling inner quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('《方案》"能耗"标准')).toBe('"《方案》""能耗""标准"');
    expect(csvField('第一行\n第二行')).toBe('"第一行\n第二行"');
    expect(csvField('x\r\ny')).toBe('"x\r\ny"');
    expect(csvLine(['"', ''])).toBe('"""",\r\n');
  });

  it('keeps text that a spreadsheet would run as a formula as text', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(-1)).toBe('-1');
  });

  it('is a byte order mark that encodes as EF BB BF', () => {
    expect([...Buffer.from(BOM, 'utf8')]).toEqual([0xef, 0xbb, 0xbf]);
  });
});
