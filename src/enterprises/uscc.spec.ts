import { checkUscc, orgCodeCheckCharacter, usccCheckCharacter } from './uscc';

describe('USCC check (GB 32100-2015)', () => {
  it.each([
    '91350100M000100Y43', // the standard's worked example
    '91110000600037341L',
    '91440300708461136T',
    '914416009000004950', // check character 0
    'Y1441600MA0000007D', // unfamiliar first character Y
    'N1441600MA0000007M', // first character N
  ])('accepts %s', (code) => {
    expect(checkUscc(code)).toEqual({ valid: true, orgCodeValid: true });
  });

  it('rejects a wrong check character', () => {
    expect(checkUscc('91350100M000100Y44')).toMatchObject({ valid: false, problem: 'check_character' });
    expect(checkUscc('914416009000004951')).toMatchObject({ valid: false, problem: 'check_character' });
  });

  it('rejects wrong length and characters outside the set (I, O, S, V, Z, lower case)', () => {
    expect(checkUscc('91350100M000100Y4')).toMatchObject({ valid: false, problem: 'length' });
    expect(checkUscc('91350100M000100Y433')).toMatchObject({ valid: false, problem: 'length' });
    expect(checkUscc('91350100M0001O0Y43')).toMatchObject({ valid: false, problem: 'charset' });
    expect(checkUscc('91350100m000100Y43')).toMatchObject({ valid: false, problem: 'charset' });
  });

  it('accepts an embedded organisation-code mismatch but reports it', () => {
    const first17 = '91350100M000100Y5'; // organisation code check should be 4
    const code = first17 + usccCheckCharacter(first17);
    expect(checkUscc(code)).toEqual({ valid: true, orgCodeValid: false });
  });

  it('computes GB 11714 check characters including X and 0', () => {
    expect(orgCodeCheckCharacter('M000100Y')).toBe('4');
    expect(orgCodeCheckCharacter('70846113')).toBe('6');
    const all = new Set<string>();
    for (let n = 0; n < 200; n++) all.add(orgCodeCheckCharacter(String(10000000 + n)));
    expect(all.has('X')).toBe(true);
    expect(all.has('0')).toBe(true);
  });
});
