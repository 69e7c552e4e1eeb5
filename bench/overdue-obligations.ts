/**
 * `count` enterprises, each with one energy obligation at exit_ordered whose deadline (30 June 2025) has passed:
 * a sweep after it issues one record per obligation. Case numbers are `<refPrefix>-<n>`.
 */
export async function seedOverdueObligations(db: { query(text: string, params: unknown[]): Promise<unknown> }, count: number, refPrefix: string): Promise<void> {
  await db.query(
    `INSERT INTO enterprises (uscc, name, county, industry, org_code_valid, created_at, updated_at)
     SELECT '91441600' || lpad(g::text, 10, '0'), '河源市基准水泥有限公司' || g, '441602', 'cement', true, now(), now()
       FROM generate_series(1, $1) g`,
    [count],
  );
  await db.query(
    `INSERT INTO obligations (uscc, dimension, department, county, basis, issued_on, capacity, external_ref, stage, deadline,
                              initial_deadline, created_at, updated_at)
     SELECT '91441600' || lpad(g::text, 10, '0'), 'energy', 'industry_it', '441602', '能耗标准', '2025-01-15',
            '[{"equipment": "熟料生产线", "amount": 120, "unit": "万吨/年"}]', $2 || '-' || g, 'exit_ordered',
            '2025-06-30', '2025-06-30', now(), now()
       FROM generate_series(1, $1) g`,
    [count, refPrefix],
  );
}
