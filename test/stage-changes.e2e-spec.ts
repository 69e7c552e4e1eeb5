import { startTestApp, TestApp } from './support/app';
import { enterprise, obligation, uscc } from './support/fixtures';

describe('stage changes', () => {
  let t: TestApp;
  let industry: string;
  let market: string;
  const code = uscc(1);
  let refs = 0;
  beforeAll(async () => {
    t = await startTestApp();
    industry = await t.key({ role: 'department', department: 'industry_it' });
    market = await t.key({ role: 'department', department: 'market_regulation' });
    expect((await t.request('POST', '/v1/enterprises', { key: industry, body: enterprise(1) })).status).toBe(201);
  });
  afterAll(() => t.close());

  /** A fresh energy obligation (deadline 2025-09-30) unless told otherwise. */
  async function open(overrides: Record<string, unknown> = {}, key = industry): Promise<string> {
    const res = await t.request('POST', '/v1/obligations', { key, body: obligation(code, `SC-${++refs}`, overrides) });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  const post = (id: string, action: string, body: unknown, key = industry) => t.request('POST', `/v1/obligations/${id}/${action}`, { key, body });
  const events = async (id: string) => (await t.request('GET', `/v1/obligations/${id}/history`, { key: industry })).body.items.length;

  it('moves rectification → rectified', async () => {
    const id = await open();
    const res = await post(id, 'rectified', { verifiedOn: '2025-05-20', evidence: '验收报告 2025-17' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ stage: 'rectified', previousStage: 'rectification', stageDetails: { rectified: { verifiedOn: '2025-05-20' } } });
  });

  it('moves rectification → exit_ordered → exited', async () => {
    const id = await open();
    const ordered = await post(id, 'exit-order', { exitDeadline: '2025-12-31', decidedOn: '2025-05-01', approvedBy: '河源市人民政府' });
    expect(ordered.status).toBe(200);
    expect(ordered.body).toMatchObject({ stage: 'exit_ordered', deadline: '2025-12-31', stageDetails: { rectificationDeadline: '2025-09-30' } });
    const exited = await post(id, 'exit-completed', { completedOn: '2025-05-30', method: 'dismantled', verifiedOn: '2025-06-01' });
    expect(exited.status).toBe(200);
    expect(exited.body.stage).toBe('exited');
  });

  it('answers an illegal change with 409 naming the current stage, changing nothing', async () => {
    const id = await open();
    expect((await post(id, 'rectified', { verifiedOn: '2025-05-20' })).status).toBe(200);
    const before = await events(id);
    for (const [action, body] of [
      ['rectified', { verifiedOn: '2025-05-21' }],
      ['exit-completed', { completedOn: '2025-05-21', method: 'closed' }],
      ['extension', { requestedDeadline: '2025-10-31', reason: '再次申请' }],
    ] as const) {
      const res = await post(id, action, body);
      expect(res.status).toBe(409);
      expect(res.body.message).toContain('rectified');
      expect(res.body.details).toMatchObject({ currentStage: 'rectified' });
    }
    expect(await events(id)).toBe(before);
  });

  it('allows one energy extension of at most 3 months', async () => {
    const beyond = await open();
    const tooFar = await post(beyond, 'extension', { requestedDeadline: '2026-01-05', reason: '设备改造' });
    expect(tooFar.status).toBe(422);
    expect(tooFar.body.details).toEqual([expect.objectContaining({ field: 'requestedDeadline' })]);
    const earlier = await post(beyond, 'extension', { requestedDeadline: '2025-09-01', reason: '设备改造' });
    expect(earlier.status).toBe(422);

    const id = await open();
    const first = await post(id, 'extension', { requestedDeadline: '2025-12-15', reason: '设备改造' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ stage: 'rectification', deadline: '2025-09-30', extendedTo: '2025-12-15', effectiveDeadline: '2025-12-15', extensionCount: 1 });
    const second = await post(id, 'extension', { requestedDeadline: '2025-12-20', reason: '再次申请' });
    expect(second.status).toBe(422);
    const read = await t.request('GET', `/v1/obligations/${id}`, { key: industry });
    expect(read.body).toMatchObject({ extendedTo: '2025-12-15', extensionCount: 1 });
  });

  it('allows no extension in the quality dimension', async () => {
    const id = await open({ dimension: 'quality', department: 'market_regulation' }, market);
    const res = await post(id, 'extension', { requestedDeadline: '2025-10-15', reason: '申请延期' }, market);
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('quality');
  });

  it('refuses an exit deadline before the decision and dates before the order with 400, and dates after today with 422', async () => {
    const id = await open();
    const early = await post(id, 'exit-order', { exitDeadline: '2025-04-30', decidedOn: '2025-05-01' });
    expect(early.status).toBe(400);
    expect(early.body.details).toEqual([expect.objectContaining({ field: 'exitDeadline' })]);
    // The clock stands at 2025-06-01 12:00 in Asia/Shanghai.
    const refused = [
      ['rectified', 'verifiedOn', { verifiedOn: '2025-06-02' }, 422],
      ['exit-order', 'decidedOn', { exitDeadline: '2025-12-31', decidedOn: '2025-06-02' }, 422],
      ['rectified', 'verifiedOn', { verifiedOn: '2025-03-30' }, 400],
    ] as const;
    for (const [action, field, body, status] of refused) {
      const res = await post(id, action, body);
      expect([field, res.status]).toEqual([field, status]);
      expect(res.body.details).toEqual([expect.objectContaining({ field })]);
    }
    const read = await t.request('GET', `/v1/obligations/${id}`, { key: industry });
    expect(read.body.stage).toBe('rectification');
    expect(await events(id)).toBe(1);

    const ordered = await open();
    expect((await post(ordered, 'exit-order', { exitDeadline: '2025-12-31', decidedOn: '2025-05-01' })).status).toBe(200);
    const completed = await post(ordered, 'exit-completed', { completedOn: '2025-06-02', method: 'dismantled' });
    expect(completed.status).toBe(422);
    expect(completed.body.details).toEqual([expect.objectContaining({ field: 'completedOn' })]);
  });

  it('refuses an objection unless the obligation is notified, with 409', async () => {
    const id = await open();
    const res = await post(id, 'objection', { raisedOn: '2025-05-20', decision: 'upheld', reason: '告知有误' });
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('rectification');
    const exitOrdered = await open({ stage: 'exit_ordered', dimension: 'technology', deadline: '2025-08-31' });
    const again = await post(exitOrdered, 'objection', { raisedOn: '2025-05-20', decision: 'rejected', reason: '无理由' });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('exit_ordered');
  });

  it('answers 404 for an unknown obligation', async () => {
    const res = await post('00000000-0000-4000-8000-000000000000', 'rectified', { verifiedOn: '2025-05-20' });
    expect(res.status).toBe(404);
  });
});
