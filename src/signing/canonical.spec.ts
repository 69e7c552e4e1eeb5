import { createHash } from 'node:crypto';
import { canonicalJson, GENESIS_HASH, ledgerEntryHash, ledgerEntryText, sha256Hex } from './canonical';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    // U+FB33 sorts after the UTF-16 surrogates of U+1F600 although its code point is smaller (RFC 8785 section 3.2.3).
    expect(canonicalJson({ '\ufb33': 1, '\ud83d\ude00': 2, '\u20ac': 3, a: 4 })).toBe('{"a":4,"\u20ac":3,"\ud83d\ude00":2,"\ufb33":1}');
  });

  it('writes numbers in their shortest ECMAScript form', () => {
    expect(canonicalJson([1.0, -0, 1e21, 1e-7, 0.1 + 0.2, 333333333.33333329, 100])).toBe(
      '[1,0,1e+21,1e-7,0.30000000000000004,333333333.3333333,100]',
    );
  });

  it('keeps non-ASCII text as is and escapes only what JSON requires', () => {
    expect(canonicalJson({ name: '河源市测试钢铁有限公司', ctl: '\u0001\n"\\' })).toBe('{"ctl":"\\u0001\\n\\"\\\\","name":"河源市测试钢铁有限公司"}');
  });

  it('omits undefined members like JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it('refuses what has no JSON form', () => {
    expect(() => canonicalJson({ a: () => 1 })).toThrow('$.a is a function');
    expect(() => canonicalJson([1, 2n])).toThrow('$[1] is a bigint');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
    expect(() => canonicalJson({ n: Infinity })).toThrow();
    expect(() => canonicalJson(undefined)).toThrow('no JSON form');
  });
});

describe('ledgerEntryHash', () => {
  const fields = {
    seq: 1,
    recordId: '01JXAMPLE0000000000000000A',
    version: 1,
    recordHash: sha256Hex('{}'),
    prevHash: GENESIS_HASH,
    appendedAt: '2025-06-01T04:00:00.000Z',
  };

  it('is the SHA-256 hex of the six fields in canonical order', () => {
    const text =
      `{"appendedAt":"2025-06-01T04:00:00.000Z","prevHash":"${'0'.repeat(64)}","recordHash":"${fields.recordHash}",` +
      `"recordId":"01JXAMPLE0000000000000000A","seq":1,"version":1}`;
    expect(ledgerEntryHash(fields)).toBe(createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex'));
  });

  it('ignores any other member, such as the entry\'s own hash', () => {
    expect(ledgerEntryHash({ ...fields, hash: 'x', extra: 1 } as typeof fields)).toBe(ledgerEntryHash(fields));
  });

  it('changes with every field', () => {
    const base = ledgerEntryHash(fields);
    expect(ledgerEntryHash({ ...fields, version: 2 })).not.toBe(base);
    expect(ledgerEntryHash({ ...fields, appendedAt: '2025-06-01T04:00:00.001Z' })).not.toBe(base);
  });

  it('writes the same text as the general canonicaliser, also for fields of the wrong type', () => {
    expect(ledgerEntryText(fields)).toBe(canonicalJson(fields));
    const odd = { ...fields, seq: '1', recordId: 'a"\u2028b', version: 1.5 } as unknown as typeof fields;
    expect(ledgerEntryText(odd)).toBe(canonicalJson(odd));
  });

  it('hashes UTF-8 text', () => {
    expect(sha256Hex('河源')).toBe(createHash('sha256').update(Buffer.from('河源', 'utf8')).digest('hex'));
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });
});
