import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app';
import { exitOrdered, sweep } from './support/sweep-fixtures';
import { enterprise, obligation } from './support/fixtures';

describe('deadline sweep', () => {
  let t: TestApp;
  let dept: string;
  let operator: string;
  beforeAll(async () => {
    t = await startTestApp();
    dept = await t.key({ role: 'department', department: 'industry_it' });
    operator = await t.key({ role: 'operator' });
  });
  afterAll(() => t.close());

  const stageOf = async (id: string) => (await t.request('GET', `/v1/obligations/${id}`, { key: operator })).body.stage;

  it('treats the deadline day in Asia/Shanghai as not overdue and the next local midnight as overdue', async () => {
    const o = await exitOrdered(t, dept, 101, '2025-06-10');
    expect((await sweep(t, operator, '2025-06-10T15:59:59+00:00')).notified).toBe(0);
    expect(await stageOf(o.id)).toBe('exit_ordered');
    const counts = await sweep(t, operator, '2025-06-11T00:00:00+08:00');
    expect(counts.notified).toBe(1);
    expect(counts.sanctioned).toBe(0);
    expect(await stageOf(o.id)).toBe('notified');
  });

  it('issues the record only when the notice period has passed, and a repeated sweep issues nothing', async () => {
    const o = await exitOrdered(t, dept, 102, '2025-06-10');
    await sweep(t, operator, '2025-06-11T08:00:00+08:00'); // notified on 06-11; 10 days' notice ends 06-21
    expect((await sweep(t, operator, '2025-06-20T23:00:00+08:00')).sanctioned).toBe(0);
    const due = await sweep(t, operator, '2025-06-21T00:00:00+08:00');
    expect(due.sanctioned).toBeGreaterThanOrEqual(1);
    expect(await stageOf(o.id)).toBe('sanctioned');
    const again = await sweep(t, operator, '2025-06-21T00:00:00+08:00');
    expect(again).toMatchObject({ notified: 0, sanctioned: 0 });
    const rows = await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM records WHERE obligation_id = $1', [o.id]);
    expect(rows[0].n).toBe(1);
  });

  it('flags a missed rectification deadline once without issuing a record', async () => {
    const e = enterprise(103);
    await t.request('POST', '/v1/enterprises', { key: dept, body: e });
    const o = await t.request('POST', '/v1/obligations', { key: dept, body: obligation(e.uscc, 'RECT-103', { issuedOn: '2025-01-15' }) });
    expect(o.body.deadline).toBe('2025-07-15');
    const first = await sweep(t, operator, '2025-07-16T00:00:00+08:00');
    expect(first.flagged).toBe(1);
    expect((await sweep(t, operator, '2025-07-17T00:00:00+08:00')).flagged).toBe(0);
    const after = await t.request('GET', `/v1/obligations/${o.body.id}`, { key: operator });
    expect(after.body).toMatchObject({ stage: 'rectification', rectificationOverdueOn: '2025-07-16' });
  });

  it('returns an upheld objection to exit_ordered without a second notice for that deadline, and issues after a rejected one', async () => {
    t.clock.set('2025-06-04T04:00:00Z');
    const upheld = await exitOrdered(t, dept, 104, '2025-06-05');
    const rejected = await exitOrdered(t, dept, 105, '2025-06-05');
    await sweep(t, operator, '2025-06-06T08:00:00+08:00');
    t.clock.set('2025-06-08T04:00:00Z');
    const up = await t.request('POST', `/v1/obligations/${upheld.id}/objection`, {
      key: dept,
      body: { raisedOn: '2025-06-08', decision: 'upheld', reason: '已于期限前停产，证据充分' },
    });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ stage: 'exit_ordered', notifiedOn: null });
    const rej = await t.request('POST', `/v1/obligations/${rejected.id}/objection`, {
      key: dept,
      body: { raisedOn: '2025-06-08', decision: 'rejected', reason: '异议不成立' },
    });
    expect(rej.body.stage).toBe('notified');
    await sweep(t, operator, '2025-06-16T08:00:00+08:00');
    expect(await stageOf(upheld.id)).toBe('exit_ordered');
    expect(await stageOf(rejected.id)).toBe('sanctioned');
    const history = await t.request('GET', `/v1/obligations/${upheld.id}/history`, { key: operator });
    const objection = history.body.items.find((i: { action: string }) => i.action === 'uphold_objection');
    expect(objection.details.reason).toBe('已于期限前停产，证据充分');
  });

  it('names the operator who ran a sweep in the audit trail, with its counts', async () => {
    const counts = await sweep(t, operator, '2025-08-01T08:00:00+08:00');
    const audit = await t.request('GET', '/v1/ops/audit?action=sweep.run', { key: operator });
    expect(audit.status).toBe(200);
    const entry = audit.body.items.find((i: { subjectId: string }) => i.subjectId === (counts as unknown as { runId: string }).runId);
    expect(entry).toMatchObject({ actor: { name: expect.stringMatching(/^operator/) }, after: { examined: counts.examined } });
  });
});
