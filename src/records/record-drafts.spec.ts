import { amendmentDraft, IssueInput, issueDraft, revocationDraft } from './record-drafts';

const input: IssueInput = {
  recordId: '01JWMTAYG0Q1AKDYZHP8YR3DM0',
  obligationId: '7d1c6f1e-3d7a-4d59-9a52-1f0a3c1b2a10',
  uscc: '91350100M000100Y43',
  enterpriseName: '河源市某钢铁有限公司',
  dimension: 'energy',
  department: 'industry_it',
  county: '441602',
  basis: '能耗标准',
  externalRef: 'GX-2025-001',
  missedDeadline: '2025-05-20',
  measures: ['land_supply', 'tax_administration'],
  listedOn: '2025-05-31',
  repairEligibleOn: '2025-08-31',
  publicationEndsOn: '2028-05-31',
  minMonths: 3,
  issuedAt: '2025-05-31T00:00:00.000Z',
};

describe('record drafts', () => {
  it('issues version 1 with the reason, listing dates and removal conditions in words', () => {
    const d = issueDraft(input);
    expect(d).toMatchObject({
      version: 1,
      event: 'sanction.issued',
      reason: { code: 'EXIT_DEADLINE_MISSED', dimension: 'energy', deadline: '2025-05-20', externalRef: 'GX-2025-001' },
      effectiveFrom: '2025-05-31',
      publicationEndsOn: '2028-05-31',
    });
    expect(d.removalConditions).toContain('2025-08-31');
    expect(d.removalConditions).toContain('2028-05-31');
    expect(d).not.toHaveProperty('revocation');
  });

  it('amends by a new version that names the removed measures', () => {
    const amended = amendmentDraft(issueDraft(input), ['land_supply'], '部分整改', '2025-06-10T00:00:00.000Z');
    expect(amended).toMatchObject({ version: 2, event: 'sanction.amended', measures: ['land_supply'] });
    expect(amended.amendment).toEqual({ reason: '部分整改', removedMeasures: ['tax_administration'] });
  });

  it('revokes by a new version that drops an earlier amendment note and keeps the subject', () => {
    const amended = amendmentDraft(issueDraft(input), ['land_supply'], '部分整改', '2025-06-10T00:00:00.000Z');
    const revoked = revocationDraft(amended, 'expired', '2028-05-31T00:00:00.000Z');
    expect(revoked).toMatchObject({ version: 3, event: 'sanction.revoked', revocation: { reason: 'expired' }, subject: amended.subject });
    expect(revoked).not.toHaveProperty('amendment');
  });
});
