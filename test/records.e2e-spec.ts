import canonicalize from 'canonicalize';
import { compactVerify, createLocalJWKSet } from 'jose';
import { DataSource } from 'typeorm';
import { verifyChain } from '../src/signing/verify';
import { startTestApp, TestApp } from './support/app';
import { exitOrdered, sweep } from './support/sweep-fixtures';

const ENERGY_MEASURES = ['land_supply', 'tax_administration', 'financing_credit'];

describe('signed records, ledger and routing', () => {
  let t: TestApp;
  let dept: string;
  let operator: string;
  let subs: Record<string, string>;
  let recordId: string;

  const targetsOf = async (id: string, version: number) => {
    const rows: Array<{ target: string }> = await t.app
      .get(DataSource)
      .query('SELECT target FROM deliveries WHERE record_id = $1 AND version = $2 ORDER BY target', [id, version]);
    return rows.map((r) => r.target).sort();
  };

  beforeAll(async () => {
    t = await startTestApp({ outbound: { allow: ['127.0.0.1'] }, dimensions: { energy: { measures: ENERGY_MEASURES } } });
    const admin = await t.key({ role: 'admin' });
    dept = await t.key({ role: 'department', department: 'industry_it' });
    operator = await t.key({ role: 'operator' });
    subs = {};
    for (const [agency, domains] of [
      ['land', ['land_supply']],
      ['tax', ['tax_administration', 'bond_issuance']],
      ['bonds', ['bond_issuance']],
      ['closed', ['land_supply']],
    ] as const) {
      const res = await t.request('POST', '/v1/subscriptions', { key: admin, body: { agency, domains, url: `http://127.0.0.1:9/${agency}` } });
      expect(res.status).toBe(201);
      subs[agency] = res.body.id;
    }
    await t.request('PATCH', `/v1/subscriptions/${subs.closed}`, { key: admin, body: { state: 'disabled' } });
    const o = await exitOrdered(t, dept, 201, '2025-05-20');
    await sweep(t, operator, '2025-05-21T08:00:00+08:00');
    const counts = await sweep(t, operator, '2025-05-31T08:00:00+08:00');
    expect(counts.sanctioned).toBe(1);
    const [row] = await t.app.get(DataSource).query('SELECT record_id FROM records WHERE obligation_id = $1', [o.id]);
    recordId = row.record_id;
  });
  afterAll(() => t.close());

  it('routes the issue to the platform and to each subscription whose domains meet the measures, a disabled one included', async () => {
    // The disabled subscription's delivery is held for it, not skipped (DESIGN section 3, Subscription).
    expect(await targetsOf(recordId, 1)).toEqual(['credit-platform', subs.land, subs.tax, subs.closed].sort());
  });

  it('serves the record with every field and a JWS that verifies against the published JWKS', async () => {
    const res = await t.request('GET', `/v1/records/${recordId}`, { key: operator });
    expect(res.status).toBe(200);
    const { record, jws } = res.body;
    expect(record).toMatchObject({
      recordId,
      version: 1,
      event: 'sanction.issued',
      reason: { code: 'EXIT_DEADLINE_MISSED', dimension: 'energy', deadline: '2025-05-20', externalRef: 'SWEEP-201' },
      decidedBy: { department: 'industry_it', county: '441602' },
      measures: ENERGY_MEASURES,
      listedOn: '2025-05-31',
      effectiveFrom: '2025-05-31',
      publicationEndsOn: '2028-05-31',
      ledger: { seq: expect.any(Number), prevHash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(record.subject.uscc).toHaveLength(18);
    expect(record.removalConditions).toContain('2025-08-31');
    const jwks = (await t.request('GET', '/.well-known/jwks.json')).body;
    const verified = await compactVerify(jws, createLocalJWKSet(jwks));
    expect(verified.protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'sanction-record+jws' });
    expect(new TextDecoder().decode(verified.payload)).toBe(canonicalize(record));
    const [h, , s] = jws.split('.');
    const forged = Buffer.from(canonicalize({ ...record, measures: ['land_supply'] })!).toString('base64url');
    await expect(compactVerify(`${h}.${forged}.${s}`, createLocalJWKSet(jwks))).rejects.toThrow();
  });

  it('amends by narrowing the measures and sends the amendment to every target that got the issue', async () => {
    const widen = await t.request('POST', `/v1/records/${recordId}/amendments`, { key: dept, body: { measures: ['bond_issuance'], reason: 'x' } });
    expect(widen.status).toBe(422);
    const res = await t.request('POST', `/v1/records/${recordId}/amendments`, {
      key: dept,
      body: { measures: ['land_supply'], reason: '部分整改到位，缩小惩戒范围' },
    });
    expect(res.status).toBe(201);
    expect(res.body.record).toMatchObject({ version: 2, event: 'sanction.amended', measures: ['land_supply'] });
    expect(await targetsOf(recordId, 2)).toEqual(['credit-platform', subs.land, subs.tax, subs.closed].sort());
  });

  it('revokes on exit once the repair minimum has passed and routes the revocation to every earlier target', async () => {
    const [{ obligation_id }] = await t.app.get(DataSource).query('SELECT obligation_id FROM records WHERE record_id = $1', [recordId]);
    t.clock.set('2025-09-02T04:00:00Z');
    const done = await t.request('POST', `/v1/obligations/${obligation_id}/exit-completed`, {
      key: dept,
      body: { completedOn: '2025-09-01', method: 'dismantled' },
    });
    expect(done.status).toBe(200);
    const versions = (await t.request('GET', `/v1/records/${recordId}/versions`, { key: operator })).body.items;
    expect(versions.map((v: { record: { event: string } }) => v.record.event)).toEqual(['sanction.issued', 'sanction.amended', 'sanction.revoked']);
    expect(versions[2].record.revocation).toMatchObject({ reason: 'exit_completed' });
    expect(await targetsOf(recordId, 3)).toEqual(['credit-platform', subs.land, subs.tax, subs.closed].sort());
  });

  it('waits for the repair minimum when exit completes early, then the sweep revokes; expiry ends publication', async () => {
    t.clock.set('2025-06-20T04:00:00Z');
    const early = await exitOrdered(t, dept, 202, '2025-06-01');
    const lasting = await exitOrdered(t, dept, 203, '2025-06-01');
    await sweep(t, operator, '2025-06-02T08:00:00+08:00');
    await sweep(t, operator, '2025-06-12T08:00:00+08:00');
    t.clock.set('2025-06-20T04:00:00Z');
    const exit = await t.request('POST', `/v1/obligations/${early.id}/exit-completed`, { key: dept, body: { completedOn: '2025-06-15', method: 'dismantled' } });
    expect(exit.status).toBe(200);
    const db = t.app.get(DataSource);
    const statusOf = async (obligationId: string) =>
      (await db.query('SELECT status, revocation_reason FROM records WHERE obligation_id = $1', [obligationId]))[0];
    expect(await statusOf(early.id)).toMatchObject({ status: 'active' });
    expect((await sweep(t, operator, '2025-09-11T08:00:00+08:00')).revoked).toBe(0);
    expect((await sweep(t, operator, '2025-09-12T08:00:00+08:00')).revoked).toBe(1);
    expect(await statusOf(early.id)).toMatchObject({ status: 'revoked', revocation_reason: 'exit_completed' });
    expect((await sweep(t, operator, '2028-06-12T08:00:00+08:00')).expired).toBeGreaterThanOrEqual(1);
    expect(await statusOf(lasting.id)).toMatchObject({ status: 'revoked', revocation_reason: 'expired' });
  });

  it('keeps one unbroken chain that anyone can recompute, and names a tampered entry', async () => {
    const entries = [];
    let after = 0;
    for (;;) {
      const page = await t.request('GET', `/v1/ledger?afterSeq=${after}&limit=3`, { key: operator });
      entries.push(...page.body.items);
      if (page.body.nextAfterSeq === null) break;
      after = page.body.nextAfterSeq;
    }
    expect(entries.length).toBeGreaterThanOrEqual(5);
    expect(verifyChain(entries)).toMatchObject({ ok: true, count: entries.length });
    const tampered = entries.map((e) => ({ ...e }));
    tampered[2].recordHash = 'f'.repeat(64);
    expect(verifyChain(tampered)).toMatchObject({ ok: false, brokenAt: tampered[2].seq });
    const head = await t.request('GET', '/v1/ledger/head', { key: operator });
    expect(head.body.entry).toEqual(entries[entries.length - 1]);
    const jwks = (await t.request('GET', '/.well-known/jwks.json')).body;
    const verified = await compactVerify(head.body.jws, createLocalJWKSet(jwks));
    expect(JSON.parse(new TextDecoder().decode(verified.payload))).toEqual(head.body.entry);
  });
});
