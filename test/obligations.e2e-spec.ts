import { startTestApp, TestApp } from './support/app';
import { enterprise, obligation, uscc } from './support/fixtures';

describe('obligations', () => {
  let t: TestApp;
  let admin: string;
  let industry: { id: string; key: string; name: string };
  const code = uscc(1);
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.key({ role: 'admin' });
    industry = await t.principal({ role: 'department', department: 'industry_it' });
    expect((await t.request('POST', '/v1/enterprises', { key: admin, body: enterprise(1) })).status).toBe(201);
  });
  afterAll(() => t.close());

  const create = (body: Record<string, unknown>, key = industry.key, headers?: Record<string, string>) =>
    t.request('POST', '/v1/obligations', { key, body, headers });

  it('computes the deadline from the rules when omitted (month-end clamp)', async () => {
    const res = await create(obligation(code, 'OB-DEADLINE'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ uscc: code, dimension: 'energy', stage: 'rectification', deadline: '2025-09-30', effectiveDeadline: '2025-09-30' });
    const read = await t.request('GET', `/v1/obligations/${res.body.id}`, { key: industry.key });
    expect(read.body).toEqual(res.body);
  });

  it('requires a deadline where the dimension has no default, and one not before issuedOn', async () => {
    const eco = await t.key({ role: 'department', department: 'ecology_environment' });
    const missing = await create(obligation(code, 'OB-ENV-1', { dimension: 'environment', department: 'ecology_environment' }), eco);
    expect(missing.status).toBe(400);
    expect(missing.body.details).toEqual([expect.objectContaining({ field: 'deadline' })]);
    const early = await create(obligation(code, 'OB-ENV-2', { dimension: 'environment', department: 'ecology_environment', deadline: '2025-03-30' }), eco);
    expect(early.status).toBe(400);
    expect(early.body.details).toEqual([expect.objectContaining({ field: 'deadline', message: expect.stringContaining('issuedOn') })]);
    const exitWithout = await create(obligation(code, 'OB-EXIT-1', { stage: 'exit_ordered' }));
    expect(exitWithout.status).toBe(400);
    expect(exitWithout.body.details[0].field).toBe('deadline');
    const ok = await create(obligation(code, 'OB-ENV-3', { dimension: 'environment', department: 'ecology_environment', deadline: '2025-08-01' }), eco);
    expect(ok.status).toBe(201);
    expect(ok.body.deadline).toBe('2025-08-01');
  });

  it('refuses a department not responsible for the dimension, and an unregistered enterprise, with 422', async () => {
    const market = await t.key({ role: 'department', department: 'market_regulation' });
    const wrongDept = await create(obligation(code, 'OB-422-1', { department: 'market_regulation' }), market);
    expect(wrongDept.status).toBe(422);
    expect(wrongDept.body.details).toEqual([expect.objectContaining({ field: 'department' })]);
    const unknown = await create(obligation(uscc(404), 'OB-422-2'));
    expect(unknown.status).toBe(422);
    expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'uscc' })]);
  });

  it('treats a repeated externalRef as a retry of the same case, and as a conflict otherwise', async () => {
    const body = obligation(code, 'OB-REF');
    const first = await create(body);
    const again = await create(body);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
    const changed = await create({ ...body, basis: '另一个依据' });
    expect(changed.status).toBe(409);
    expect(changed.body.message).toContain('basis');
    const otherDept = await create({ ...body, department: 'development_reform' }, admin);
    expect(otherDept.status).toBe(201);
    expect(otherDept.body.id).not.toBe(first.body.id);
  });

  it('replays an answer for a repeated Idempotency-Key and refuses the key for another body', async () => {
    const headers = { 'idempotency-key': 'ob-idem-1' };
    const first = await create(obligation(code, 'OB-IDEM-1'), industry.key, headers);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const replay = await create(obligation(code, 'OB-IDEM-1'), industry.key, headers);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    const reused = await create(obligation(code, 'OB-IDEM-2'), industry.key, headers);
    expect(reused.status).toBe(422);
    expect(reused.body.message).toContain('Idempotency-Key');
    const list = await t.request('GET', '/v1/obligations', { key: admin });
    expect(list.body.items.filter((o: any) => o.externalRef === 'OB-IDEM-2')).toEqual([]);
  });

  it('does not store a failed answer under an Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'ob-idem-fail' };
    const failed = await create(obligation(uscc(405), 'OB-IDEM-3'), industry.key, headers);
    expect(failed.status).toBe(422);
    expect((await t.request('POST', '/v1/enterprises', { key: admin, body: enterprise(405) })).status).toBe(201);
    const retried = await create(obligation(uscc(405), 'OB-IDEM-3'), industry.key, headers);
    expect(retried.status).toBe(201);
  });

  it('filters the list and pages through it without duplicates or gaps', async () => {
    const other = uscc(2);
    expect((await t.request('POST', '/v1/enterprises', { key: admin, body: enterprise(2, { county: '441621' }) })).status).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      // Two share an instant so the cursor's id tie-break is exercised.
      if (i !== 2) t.clock.advance(1000);
      const res = await create(obligation(other, `OB-PAGE-${i}`, { county: '441621', dimension: i === 4 ? 'technology' : 'energy', deadline: '2025-09-30' }));
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const rectified = await t.request('POST', `/v1/obligations/${ids[1]}/rectified`, { key: industry.key, body: { verifiedOn: '2025-05-20' } });
    expect(rectified.status).toBe(200);

    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page: any = await t.request('GET', `/v1/obligations?county=441621&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: industry.key });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((o: any) => o.id));
      cursor = page.body.nextCursor;
      pages++;
    }
    expect(pages).toBe(3);
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(new Set(seen).size).toBe(5);

    const byStage = await t.request('GET', '/v1/obligations?stage=rectified&county=441621', { key: industry.key });
    expect(byStage.body.items.map((o: any) => o.id)).toEqual([ids[1]]);
    const byDimension = await t.request('GET', '/v1/obligations?dimension=technology', { key: industry.key });
    expect(byDimension.body.items.map((o: any) => o.id)).toEqual([ids[4]]);
    const combined = await t.request('GET', '/v1/obligations?stage=rectification&county=441621&dimension=energy', { key: industry.key });
    expect([...combined.body.items.map((o: any) => o.id)].sort()).toEqual([ids[0], ids[2], ids[3]].sort());
    const byCounty = await t.request('GET', '/v1/obligations?county=441602', { key: industry.key });
    expect(byCounty.body.items.every((o: any) => o.county === '441602')).toBe(true);
    expect(byCounty.body.items.length).toBeGreaterThan(0);
  });

  it('refuses a cursor it did not issue with 400', async () => {
    const forged = [
      'not-a-cursor',
      Buffer.from('["x"]').toString('base64url'),
      Buffer.from('["yesterday","not-a-uuid"]').toString('base64url'),
      Buffer.from('["2025-06-01T04:00:00.000Z","not-a-uuid"]').toString('base64url'),
    ];
    for (const cursor of forged) {
      const res = await t.request('GET', `/v1/obligations?cursor=${cursor}`, { key: admin });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'cursor' })]);
    }
  });

  it('keeps a history: created, then each change with actor, before and after', async () => {
    const createdAt = t.clock.now().toISOString();
    const created = await create(obligation(code, 'OB-HIST', { deadline: '2025-07-31' }));
    const id = created.body.id;
    t.clock.advance(60_000);
    const extended = await t.request('POST', `/v1/obligations/${id}/extension`, { key: industry.key, body: { requestedDeadline: '2025-09-30', reason: '设备改造需要' } });
    expect(extended.status).toBe(200);
    const exitOrder = await t.request('POST', `/v1/obligations/${id}/exit-order`, { key: industry.key, body: { exitDeadline: '2025-12-31', decidedOn: '2025-05-30' } });
    expect(exitOrder.status).toBe(200);

    const history = await t.request('GET', `/v1/obligations/${id}/history`, { key: industry.key });
    expect(history.status).toBe(200);
    const items = history.body.items;
    expect(items.map((e: any) => e.action)).toEqual(['created', 'extend', 'order_exit']);
    for (const e of items) expect(e.actor).toEqual({ id: industry.id, name: industry.name });
    expect(items[0]).toMatchObject({ before: null, after: { stage: 'rectification', deadline: '2025-07-31' }, at: createdAt });
    expect(items[1]).toMatchObject({
      before: { extendedTo: null, extensionCount: 0 },
      after: { extendedTo: '2025-09-30', extensionCount: 1 },
      details: { requestedDeadline: '2025-09-30', reason: '设备改造需要' },
    });
    expect(items[2]).toMatchObject({
      before: { stage: 'rectification', deadline: '2025-07-31' },
      after: { stage: 'exit_ordered', deadline: '2025-12-31', previousStage: 'rectification' },
    });
    expect(new Date(items[1].at).getTime() - new Date(items[0].at).getTime()).toBe(60_000);
  });

  it('answers 404 for an unknown id', async () => {
    const res = await t.request('GET', '/v1/obligations/00000000-0000-4000-8000-000000000000', { key: admin });
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('00000000-0000-4000-8000-000000000000');
  });
});
