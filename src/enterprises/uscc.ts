/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters over a 31-character set; the 18th is a check
 * character over the first 17. Positions 9-17 embed a GB 11714 organisation code whose own check
 * character real registries sometimes get wrong, so that one is a warning, not an error.
 */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

export type UsccProblem = 'length' | 'charset' | 'check_character';

export interface UsccResult {
  valid: boolean;
  problem?: UsccProblem;
  /** False when the embedded organisation code fails its own check (a data-quality warning). */
  orgCodeValid: boolean;
}

export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_CHARSET[(31 - (sum % 31)) % 31];
}

/** GB 11714 check character over the 8-character body of an organisation code. */
export function orgCodeCheckCharacter(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body8[i], 36) * ORG_WEIGHTS[i];
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function checkUscc(code: string): UsccResult {
  if (code.length !== 18) return { valid: false, problem: 'length', orgCodeValid: false };
  for (const ch of code) {
    if (!USCC_CHARSET.includes(ch)) return { valid: false, problem: 'charset', orgCodeValid: false };
  }
  if (usccCheckCharacter(code.slice(0, 17)) !== code[17]) {
    return { valid: false, problem: 'check_character', orgCodeValid: false };
  }
  return { valid: true, orgCodeValid: orgCodeCheckCharacter(code.slice(8, 16)) === code[16] };
}

export function describeUsccProblem(problem: UsccProblem): string {
  switch (problem) {
    case 'length':
      return 'must be 18 characters';
    case 'charset':
      return `may only use the characters ${USCC_CHARSET}`;
    case 'check_character':
      return 'check character (18th) does not match the first 17 characters';
  }
}
