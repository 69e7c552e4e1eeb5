import { RestrictionIndex } from './restriction-index';

const A = '91441602MA4UJXKQ2L';
const B = '91441621MA4UJXKQ3A';
const held = (record_id: string, uscc: string, measures: string[], since = '2025-05-21') => ({ record_id, uscc, measures, since });

describe('RestrictionIndex', () => {
  it('answers like the table query: requested codes and domains only, ordered by code, domain and record', () => {
    const index = new RestrictionIndex();
    index.replace([], [held('R2', A, ['tax_administration', 'land_supply']), held('R1', A, ['land_supply']), held('R3', B, ['bond_issuance'])]);
    expect(index.find([B, A, A], ['land_supply', 'tax_administration', 'bond_issuance'])).toEqual([
      { uscc: A, domain: 'land_supply', record_id: 'R1', since: '2025-05-21' },
      { uscc: A, domain: 'land_supply', record_id: 'R2', since: '2025-05-21' },
      { uscc: A, domain: 'tax_administration', record_id: 'R2', since: '2025-05-21' },
      { uscc: B, domain: 'bond_issuance', record_id: 'R3', since: '2025-05-21' },
    ]);
    expect(index.find([A], ['bond_issuance'])).toEqual([]);
    expect(index.find(['91441602MA4UJXKQ9X'], ['land_supply'])).toEqual([]);
    expect(index.records).toBe(3);
  });

  it('replaces a record changed by a new version and drops one that no longer holds', () => {
    const index = new RestrictionIndex();
    index.replace([], [held('R1', A, ['land_supply', 'tax_administration']), held('R2', A, ['land_supply'])]);
    index.replace(['R1', 'R2'], [held('R1', A, ['tax_administration'])]);
    expect(index.find([A], ['land_supply', 'tax_administration'])).toEqual([{ uscc: A, domain: 'tax_administration', record_id: 'R1', since: '2025-05-21' }]);
    index.replace(['R1'], []);
    expect(index.find([A], ['land_supply', 'tax_administration'])).toEqual([]);
    expect(index.records).toBe(0);
  });

  it('does not share the measures array it was given', () => {
    const index = new RestrictionIndex();
    const row = held('R1', A, ['land_supply']);
    index.replace([], [row]);
    row.measures.push('bond_issuance');
    expect(index.find([A], ['bond_issuance'])).toEqual([]);
  });
});
