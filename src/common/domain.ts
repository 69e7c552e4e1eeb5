/** Vocabulary fixed by the contract (DESIGN section 3); jurisdiction-specific lists live in config. */
export const DIMENSIONS = ['energy', 'environment', 'quality', 'safety', 'technology'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const MEASURES = [
  'land_supply',
  'funding_support',
  'tax_administration',
  'production_license',
  'safety_license',
  'bond_issuance',
  'financing_credit',
  'government_procurement',
  'public_works_bidding',
] as const;
export type Measure = (typeof MEASURES)[number];

export const INDUSTRIES = ['steel', 'cement', 'flat_glass', 'coal_power', 'other'] as const;
export type Industry = (typeof INDUSTRIES)[number];

export const ROLES = ['admin', 'operator', 'department', 'agency'] as const;
export type Role = (typeof ROLES)[number];
