import { usccCheckCharacter } from '../enterprises/uscc';
import { answersFor, answersEtag, usccProblems } from './restriction-answer';
import { ifNoneMatchHits } from '../common/http/etag';

const code = (first17: string) => first17 + usccCheckCharacter(first17);
const A = code('91441600000000017');
const B = code('91441600000000025');
const asOf = '2025-06-01T04:00:00.000Z';
const rows = [
  { uscc: A, domain: 'land_supply', record_id: '01JWMTAYG0Q1AKDYZHP8YR3DM0', since: '2025-05-21' },
  { uscc: A, domain: 'tax_administration', record_id: '01JWMTAYG0Q1AKDYZHP8YR3DM0', since: '2025-05-21' },
];

describe('restriction answers', () => {
  it('answers every requested code in order, repeats included, unknown codes unrestricted', () => {
    const answers = answersFor([B, A, B], rows, asOf);
    expect(answers.map((a) => [a.uscc, a.restricted])).toEqual([[B, false], [A, true], [B, false]]);
    expect(answers[1].measures).toEqual([
      { domain: 'land_supply', recordId: '01JWMTAYG0Q1AKDYZHP8YR3DM0', since: '2025-05-21' },
      { domain: 'tax_administration', recordId: '01JWMTAYG0Q1AKDYZHP8YR3DM0', since: '2025-05-21' },
    ]);
  });

  it('names each bad code by its position and echoes it', () => {
    const bad = A.slice(0, 17) + (A[17] === '0' ? '1' : '0');
    const problems = usccProblems([A, bad, 42, 'short'], (i) => `usccs.${i}`);
    expect(problems.map((p) => p.field)).toEqual(['usccs.1', 'usccs.2', 'usccs.3']);
    expect(problems[0].message).toContain(bad);
    expect(problems[2].message).toContain('18 characters');
  });

  it('tags what the answer says, not when it was read', () => {
    const tag = answersEtag(answersFor([A], rows, asOf));
    expect(answersEtag(answersFor([A], rows, '2030-01-01T00:00:00.000Z'))).toBe(tag);
    expect(answersEtag(answersFor([A], rows.slice(0, 1), asOf))).not.toBe(tag);
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });

  it('matches If-None-Match lists, weak tags and the wildcard', () => {
    expect(ifNoneMatchHits(`"x", W/"abc"`, '"abc"')).toBe(true);
    expect(ifNoneMatchHits('*', '"abc"')).toBe(true);
    expect(ifNoneMatchHits('"abd"', '"abc"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"abc"')).toBe(false);
  });
});
