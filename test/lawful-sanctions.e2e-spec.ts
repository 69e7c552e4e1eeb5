import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app';
import { enterprise, obligation, uscc } from './support/fixtures';
import { exitOrdered, sweep } from './support/sweep-fixtures';

// DESIGN section 3 ("Time", "Notice before listing", "Rules bind what departments enter", "Exit by sealing"):
// the clock dates every act, notice comes before listing, and departments' input obeys the rules.

/** Noon in Asia/Shanghai on a civil date. */
const noon = (date: string) => `${date}T12:00:00+08:00`;
const SEALING = {
  waterCut: true,
  powerCut: true,
  powerUnitsRemoved: true,
  commitmentRef: '不再恢复生产承诺书〔2025〕1号',
  announcementUrl: 'https://gxj.heyuan.gov.cn/gkmlpt/content/2025/09/sealing.html',
  dismantleBy: '2025-10-31',
};

describe('lawful sanctions', () => {
  let t: TestApp;
  let db: DataSource;
  let dept: string;
  let operator: string;
  let n = 600;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    dept = await t.key({ role: 'department', department: 'industry_it' });
    operator = await t.key({ role: 'operator' });
  });
  afterAll(() => t.close());

  const get = async (id: string) => (await t.request('GET', `/v1/obligations/${id}`, { key: operator })).body;
  const post = (id: string, action: string, body: unknown, key = dept) => t.request('POST', `/v1/obligations/${id}/${action}`, { key, body });
  const sweepBody = (body: unknown) => t.request('POST', '/v1/ops/sweeps', { key: operator, body });
  const rows = async () =>
    (
      await db.query(`SELECT (SELECT count(*) FROM obligation_events)::int AS events, (SELECT count(*) FROM records)::int AS records,
                             (SELECT count(*) FROM ledger_entries)::int AS ledger, (SELECT count(*) FROM sweep_runs)::int AS runs,
                             (SELECT string_agg(stage, ',' ORDER BY id) FROM obligations) AS stages`)
    )[0];
  /** An exit-ordered case whose exit deadline is `deadline`, opened on 2025-05-01 (the clock must be later). */
  const exitCase = (deadline: string, overrides: Record<string, unknown> = {}) => exitOrdered(t, dept, ++n, deadline, overrides);
  const recordOf = async (obligationId: string) => (await db.query(`SELECT record_id, to_char(listed_on, 'YYYY-MM-DD') AS listed_on FROM records WHERE obligation_id = $1`, [obligationId]))[0];

  describe('one clock dates every act', () => {
    it('refuses a sweep as of a later instant with 422 naming asOf, and writes nothing', async () => {
      t.clock.set(noon('2025-06-01'));
      const before = await rows();
      const res = await sweepBody({ asOf: '2025-06-01T12:00:01+08:00' });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'AS_OF_IN_FUTURE', details: [{ field: 'asOf', message: expect.stringContaining('dryRun') }] });
      expect((await sweepBody({ asOf: '2035-01-01T00:00:00+08:00' })).status).toBe(422);
      expect(await rows()).toEqual(before);
    });

    it('previews any instant as a dry run, with the obligations it would act on, and writes nothing', async () => {
      t.clock.set(noon('2025-06-02'));
      const late = await exitCase('2025-06-20');
      const e = enterprise(++n);
      await t.request('POST', '/v1/enterprises', { key: dept, body: e });
      const rect = (await t.request('POST', '/v1/obligations', { key: dept, body: obligation(e.uscc, `LAW-${n}`, { issuedOn: '2025-03-01' }) })).body;
      expect(rect.deadline).toBe('2025-09-01');
      const before = await rows();
      const res = await sweepBody({ asOf: '2025-09-05T00:00:00+08:00', dryRun: true });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ dryRun: true, asOf: '2025-09-04T16:00:00.000Z', affectedTruncated: false });
      expect(res.body.notified).toBeGreaterThanOrEqual(1);
      expect(res.body.flagged).toBeGreaterThanOrEqual(1);
      expect(res.body.affected).toEqual(
        expect.arrayContaining([
          { action: 'notify', obligationId: late.id, uscc: late.uscc, recordId: null },
          { action: 'flag_rectification_overdue', obligationId: rect.id, uscc: e.uscc, recordId: null },
        ]),
      );
      // A notice given that day would run ten days: no record in the same sweep.
      expect(res.body.affected.filter((a: { obligationId: string }) => a.obligationId === late.id)).toHaveLength(1);
      expect(await rows()).toEqual(before);
      expect((await get(late.id)).stage).toBe('exit_ordered');
    });

    it('dates notices and records by the clock when asOf names an earlier instant', async () => {
      t.clock.set(noon('2025-06-05'));
      const o = await exitCase('2025-06-10');
      t.clock.set(noon('2025-06-25'));
      const res = await sweepBody({ asOf: noon('2025-06-15') });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ asOf: '2025-06-15T04:00:00.000Z', actedOn: '2025-06-25' });
      expect(await get(o.id)).toMatchObject({ stage: 'notified', notifiedOn: '2025-06-25' });
      // Ten days from the notice given on 06-25 end on 07-05; an earlier asOf cannot cut the period short.
      t.clock.set(noon('2025-07-05'));
      expect((await sweepBody({ asOf: noon('2025-07-04') })).body.sanctioned).toBe(0);
      expect((await get(o.id)).stage).toBe('notified');
      expect((await sweepBody({})).body.sanctioned).toBeGreaterThanOrEqual(1);
      const { record_id } = await recordOf(o.id);
      const record = (await t.request('GET', `/v1/records/${record_id}`, { key: operator })).body.record;
      expect(record).toMatchObject({ listedOn: '2025-07-05', effectiveFrom: '2025-07-05', issuedAt: '2025-07-05T04:00:00.000Z' });
      expect(record.simulated).toBeUndefined();
    });
  });

  describe('notice before listing', () => {
    it('treats the deadline day as not overdue and gives notice from the next day', async () => {
      t.clock.set(noon('2025-07-01'));
      const o = await exitCase('2025-07-09');
      await sweep(t, operator, '2025-07-09T23:59:59+08:00');
      expect((await get(o.id)).stage).toBe('exit_ordered');
      await sweep(t, operator, '2025-07-10T00:00:00+08:00');
      expect(await get(o.id)).toMatchObject({ stage: 'notified', notifiedOn: '2025-07-10' });
    });

    it('issues the record once ten full days have passed since the notice: not on day 9, on day 10', async () => {
      t.clock.set(noon('2025-07-05'));
      const a = await exitCase('2025-07-10');
      const b = await exitCase('2025-07-11');
      await sweep(t, operator, noon('2025-07-11'));
      await sweep(t, operator, noon('2025-07-12'));
      expect([(await get(a.id)).notifiedOn, (await get(b.id)).notifiedOn]).toEqual(['2025-07-11', '2025-07-12']);
      await sweep(t, operator, noon('2025-07-20')); // day 9 of a's notice
      expect((await get(a.id)).stage).toBe('notified');
      await sweep(t, operator, noon('2025-07-21')); // day 10 of a's, day 9 of b's
      expect([(await get(a.id)).stage, (await get(b.id)).stage]).toEqual(['sanctioned', 'notified']);
      expect((await recordOf(a.id)).listed_on).toBe('2025-07-21');
      await sweep(t, operator, noon('2025-07-22')); // day 11 of a's, day 10 of b's
      expect((await get(b.id)).stage).toBe('sanctioned');
      expect((await db.query('SELECT count(*)::int AS n FROM records WHERE obligation_id = $1', [a.id]))[0].n).toBe(1);
    });

    it('takes an objection raised within the notice period, and refuses one raised after it or before the notice', async () => {
      t.clock.set(noon('2025-07-25'));
      const within = await exitCase('2025-08-01');
      const after = await exitCase('2025-08-01');
      await sweep(t, operator, noon('2025-08-02')); // notice period 08-02 .. 08-11, record on 08-12
      t.clock.set(noon('2025-08-11'));
      const ok = await post(within.id, 'objection', { raisedOn: '2025-08-11', decision: 'rejected', reason: '理由不成立' });
      expect(ok.status).toBe(200);
      expect(ok.body.stage).toBe('notified');
      const early = await post(after.id, 'objection', { raisedOn: '2025-08-01', decision: 'upheld', reason: '告知前' });
      expect(early.status).toBe(422);
      expect(early.body.details).toEqual([{ field: 'raisedOn', message: expect.stringContaining('2025-08-02') }]);
      t.clock.set(noon('2025-08-12'));
      const late = await post(after.id, 'objection', { raisedOn: '2025-08-12', decision: 'upheld', reason: '逾期提出' });
      expect(late.status).toBe(422);
      expect(late.body.details).toEqual([{ field: 'raisedOn', message: expect.stringContaining('ended on 2025-08-11') }]);
      expect((await get(after.id)).stage).toBe('notified');
      await sweep(t, operator, noon('2025-08-12'));
      const sanctioned = await post(after.id, 'objection', { raisedOn: '2025-08-10', decision: 'upheld', reason: '记录已发布' });
      expect(sanctioned.status).toBe(409);
      expect(sanctioned.body.details.currentStage).toBe('sanctioned');
    });
  });

  describe('after an upheld objection the department acts again', () => {
    const upheld = async (deadline: string, dimension = 'technology') => {
      const o = await exitCase(deadline, { dimension });
      await sweep(t, operator, noon('2025-08-02'));
      t.clock.set(noon('2025-08-05'));
      const res = await post(o.id, 'objection', { raisedOn: '2025-08-04', decision: 'upheld', reason: '期限内已申请延期，未被受理' });
      expect(res.body).toMatchObject({ stage: 'exit_ordered', notifiedOn: null });
      return o;
    };

    it('orders exit again with a later deadline, the history saying why, and notifies when that one passes', async () => {
      t.clock.set(noon('2025-07-25'));
      const o = await upheld('2025-08-01');
      const same = await post(o.id, 'exit-order', { exitDeadline: '2025-08-01', decidedOn: '2025-08-01' });
      expect(same.status).toBe(422);
      expect(same.body.details).toEqual([expect.objectContaining({ field: 'exitDeadline' })]);
      const again = await post(o.id, 'exit-order', { exitDeadline: '2025-10-31', decidedOn: '2025-08-05', approvedBy: '河源市人民政府' });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ stage: 'exit_ordered', deadline: '2025-10-31', effectiveDeadline: '2025-10-31' });
      const history = (await t.request('GET', `/v1/obligations/${o.id}/history`, { key: operator })).body.items;
      expect(history[history.length - 1]).toMatchObject({
        action: 'order_exit',
        details: { exitDeadline: '2025-10-31', afterUpheldObjection: { decision: 'upheld', reason: '期限内已申请延期，未被受理', deadline: '2025-08-01' } },
      });
      // A second order while this one stands is not open.
      const twice = await post(o.id, 'exit-order', { exitDeadline: '2025-12-31', decidedOn: '2025-08-06' });
      expect(twice.status).toBe(409);
      await sweep(t, operator, noon('2025-11-01'));
      expect(await get(o.id)).toMatchObject({ stage: 'notified', notifiedOn: '2025-11-01' });
    });

    it('extends the exit deadline within the energy rule when applied for in time, or records the exit', async () => {
      t.clock.set(noon('2025-07-25'));
      const extended = await upheld('2025-08-01', 'energy');
      const tooLate = await post(extended.id, 'extension', { requestedDeadline: '2025-10-01', reason: '设备拆除中', appliedOn: '2025-08-02' });
      expect(tooLate.status).toBe(422);
      expect(tooLate.body.details).toEqual([expect.objectContaining({ field: 'appliedOn' })]);
      const ok = await post(extended.id, 'extension', { requestedDeadline: '2025-10-01', reason: '设备拆除中', appliedOn: '2025-07-30' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ stage: 'exit_ordered', effectiveDeadline: '2025-10-01', extensionCount: 1 });
      const exited = await upheld('2025-08-01');
      const done = await post(exited.id, 'exit-completed', { completedOn: '2025-07-31', method: 'dismantled' });
      expect(done.status).toBe(200);
      expect(done.body.stage).toBe('exited');
    });

    it('keeps a new exit order closed to a case whose notice stands', async () => {
      t.clock.set(noon('2025-07-25'));
      const o = await exitCase('2025-12-31');
      const res = await post(o.id, 'exit-order', { exitDeadline: '2026-03-31', decidedOn: '2025-07-25' });
      expect(res.status).toBe(409);
      expect(res.body.details).toMatchObject({ currentStage: 'exit_ordered', allowedAfterUpheldObjection: ['exit_ordered'] });
    });
  });

  describe('rules bind what departments enter', () => {
    const rectification = async (issuedOn: string, overrides: Record<string, unknown> = {}, key = dept) => {
      const e = enterprise(++n);
      await t.request('POST', '/v1/enterprises', { key: dept, body: e });
      return t.request('POST', '/v1/obligations', { key, body: obligation(e.uscc, `LAW-${n}`, { issuedOn, ...overrides }) });
    };

    it('keeps an explicit deadline within the dimension\'s period where it has one', async () => {
      t.clock.set(noon('2025-06-01'));
      const beyond = await rectification('2025-03-31', { deadline: '2025-10-01' });
      expect(beyond.status).toBe(422);
      expect(beyond.body.details).toEqual([{ field: 'deadline', message: expect.stringContaining('2025-09-30') }]);
      expect((await rectification('2025-03-31', { deadline: '2025-09-30' })).status).toBe(201);
      const market = await t.key({ role: 'department', department: 'market_regulation' });
      const quality = await rectification('2025-03-31', { dimension: 'quality', department: 'market_regulation', deadline: '2028-03-31' }, market);
      expect(quality.status).toBe(422);
      const eco = await t.key({ role: 'department', department: 'ecology_environment' });
      expect((await rectification('2025-03-31', { dimension: 'environment', department: 'ecology_environment', deadline: '2027-03-31' }, eco)).status).toBe(201);
      expect((await rectification('2025-03-31', { dimension: 'technology', stage: 'exit_ordered', deadline: '2028-03-31' })).status).toBe(201);
    });

    it('grants an extension applied for on the deadline day, and refuses one applied for the day after', async () => {
      t.clock.set(noon('2025-06-01'));
      const onTime = (await rectification('2025-01-31')).body;
      const late = (await rectification('2025-01-31')).body;
      expect(onTime.deadline).toBe('2025-07-31');
      t.clock.set(noon('2025-07-31'));
      const granted = await post(onTime.id, 'extension', { requestedDeadline: '2025-10-31', reason: '设备到货延迟' });
      expect(granted.status).toBe(200);
      expect(granted.body).toMatchObject({ extendedTo: '2025-10-31' });
      const history = (await t.request('GET', `/v1/obligations/${onTime.id}/history`, { key: operator })).body.items;
      expect(history[history.length - 1].details).toMatchObject({ appliedOn: '2025-07-31' });
      t.clock.set(noon('2025-08-01'));
      const refused = await post(late.id, 'extension', { requestedDeadline: '2025-10-31', reason: '设备到货延迟' });
      expect(refused.status).toBe(422);
      expect(refused.body.details).toEqual([{ field: 'appliedOn', message: expect.stringContaining('2025-07-31') }]);
      expect((await get(late.id)).extendedTo).toBeNull();
    });

    it('refuses every reported date one day after today with 422 naming it', async () => {
      t.clock.set(noon('2025-08-20'));
      const tomorrow = '2025-08-21';
      const future = await rectification(tomorrow);
      expect([future.status, future.body.details]).toEqual([422, [expect.objectContaining({ field: 'issuedOn' })]]);
      const open = (await rectification('2025-08-01')).body;
      const notified = await exitCase('2025-08-10');
      await sweep(t, operator, noon('2025-08-20'));
      const sealedExit = await exitCase('2025-12-31', { dimension: 'technology' });
      expect((await post(sealedExit.id, 'exit-completed', { completedOn: '2025-08-20', method: 'sealed', sealing: SEALING })).status).toBe(200);
      const cases: Array<[string, string, string, Record<string, unknown>]> = [
        ['verifiedOn', open.id, 'rectified', { verifiedOn: tomorrow }],
        ['decidedOn', open.id, 'exit-order', { exitDeadline: '2025-12-31', decidedOn: tomorrow }],
        ['appliedOn', open.id, 'extension', { requestedDeadline: '2025-10-01', reason: '申请', appliedOn: tomorrow }],
        ['completedOn', notified.id, 'exit-completed', { completedOn: tomorrow, method: 'dismantled' }],
        ['verifiedOn', notified.id, 'exit-completed', { completedOn: '2025-08-19', verifiedOn: tomorrow, method: 'dismantled' }],
        ['raisedOn', notified.id, 'objection', { raisedOn: tomorrow, decision: 'upheld', reason: '异议' }],
        ['dismantledOn', sealedExit.id, 'dismantled', { dismantledOn: tomorrow }],
      ];
      const before = await rows();
      for (const [field, id, action, body] of cases) {
        const res = await post(id, action, body);
        expect([field, res.status, res.body.code]).toEqual([field, 422, 'RULE_VIOLATION']);
        expect(res.body.details).toEqual([{ field, message: 'must not be after today (2025-08-20)' }]);
      }
      expect(await rows()).toEqual(before);
    });

    it('takes an obligation\'s county from its enterprise: a mismatch is 422 and writes nothing', async () => {
      t.clock.set(noon('2025-06-01'));
      const e = enterprise(++n, { county: '441621' });
      await t.request('POST', '/v1/enterprises', { key: dept, body: e });
      const before = await rows();
      const res = await t.request('POST', '/v1/obligations', { key: dept, body: obligation(e.uscc, `LAW-${n}`, { county: '441602' }) });
      expect(res.status).toBe(422);
      expect(res.body.details).toEqual([{ field: 'county', message: `must be the county where enterprise ${e.uscc} is registered (441621)` }]);
      expect(await rows()).toEqual(before);
      expect((await t.request('POST', '/v1/obligations', { key: dept, body: obligation(e.uscc, `LAW-${n}`, { county: '441621' }) })).status).toBe(201);
    });
  });

  describe('the register', () => {
    it('records a rename with who and when, and lets only the departments that keep the register change it', async () => {
      t.clock.set(noon('2025-06-01'));
      const eco = await t.principal({ role: 'department', department: 'ecology_environment', name: '生态环境局系统' });
      const industry = await t.principal({ role: 'department', department: 'industry_it', name: '工信局系统' });
      const e = enterprise(++n);
      expect((await t.request('POST', '/v1/enterprises', { key: eco.key, body: e })).status).toBe(201);
      const renamed = { ...e, name: '河源市更名后钢铁有限公司' };
      const refused = await t.request('POST', '/v1/enterprises', { key: eco.key, body: renamed });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'FORBIDDEN_MASTER_DATA', message: expect.stringContaining('industry_it') });
      const repeat = await t.request('POST', '/v1/enterprises', { key: eco.key, body: e });
      expect(repeat.status).toBe(200);
      t.clock.set(noon('2025-06-02'));
      const ok = await t.request('POST', '/v1/enterprises', { key: industry.key, body: renamed });
      expect(ok.status).toBe(200);
      expect(ok.body.name).toBe('河源市更名后钢铁有限公司');
      const history = await t.request('GET', `/v1/enterprises/${e.uscc}/history`, { key: operator });
      expect(history.status).toBe(200);
      expect(history.body.items).toEqual([
        expect.objectContaining({ action: 'registered', actor: { id: eco.id, name: eco.name }, before: null, after: { name: e.name, county: '441602', industry: 'steel' } }),
        {
          id: expect.any(String),
          action: 'changed',
          actor: { id: industry.id, name: industry.name },
          at: '2025-06-02T04:00:00.000Z',
          before: { name: e.name, county: '441602', industry: 'steel' },
          after: { name: '河源市更名后钢铁有限公司', county: '441602', industry: 'steel' },
        },
      ]);
      expect((await t.request('GET', `/v1/enterprises/${uscc(99999)}/history`, { key: operator })).status).toBe(404);
    });
  });

  describe('exit by sealing', () => {
    it('requires what the seed requires of sealing, and flags a dismantling time limit that passed unreported, once', async () => {
      t.clock.set(noon('2025-09-01'));
      const sealed = await exitCase('2025-12-31', { dimension: 'technology' });
      const reported = await exitCase('2025-12-31', { dimension: 'technology' });
      const dismantled = await exitCase('2025-12-31', { dimension: 'technology' });
      const refusals: Array<[Record<string, unknown>, string]> = [
        [{ completedOn: '2025-09-01', method: 'sealed' }, 'sealing'],
        [{ completedOn: '2025-09-01', method: 'sealed', sealing: { ...SEALING, waterCut: false } }, 'sealing.waterCut'],
        [{ completedOn: '2025-09-01', method: 'sealed', sealing: { ...SEALING, dismantleBy: undefined } }, 'sealing.dismantleBy'],
        [{ completedOn: '2025-09-01', method: 'sealed', sealing: { ...SEALING, dismantleBy: '2025-08-31' } }, 'sealing.dismantleBy'],
        [{ completedOn: '2025-09-01', method: 'sealed', sealing: { ...SEALING, announcementUrl: 'not a url' } }, 'sealing.announcementUrl'],
        [{ completedOn: '2025-09-01', method: 'dismantled', sealing: SEALING }, 'sealing'],
      ];
      for (const [body, field] of refusals) {
        const res = await post(sealed.id, 'exit-completed', body);
        expect([field, res.status]).toEqual([field, 400]);
        expect(res.body.details).toEqual([expect.objectContaining({ field })]);
      }
      for (const o of [sealed, reported]) {
        const res = await post(o.id, 'exit-completed', { completedOn: '2025-09-01', method: 'sealed', sealing: SEALING });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ stage: 'exited', dismantleBy: '2025-10-31', stageDetails: { exitCompleted: { sealing: SEALING } } });
      }
      expect((await post(dismantled.id, 'exit-completed', { completedOn: '2025-09-01', method: 'dismantled' })).status).toBe(200);
      expect((await post(dismantled.id, 'dismantled', { dismantledOn: '2025-09-01' })).status).toBe(409);
      t.clock.set(noon('2025-10-20'));
      const report = await post(reported.id, 'dismantled', { dismantledOn: '2025-10-20', evidence: '拆除验收记录' });
      expect(report.status).toBe(200);
      expect(report.body).toMatchObject({ dismantleBy: null, stageDetails: { dismantled: { dismantledOn: '2025-10-20' } } });
      expect((await post(reported.id, 'dismantled', { dismantledOn: '2025-10-20' })).status).toBe(409);

      await sweep(t, operator, noon('2025-10-31'));
      expect((await get(sealed.id)).dismantlingOverdueOn).toBeNull();
      const due = await sweep(t, operator, noon('2025-11-01'));
      expect(due.dismantlingOverdue).toBeGreaterThanOrEqual(1);
      expect(due.flagged).toBeGreaterThanOrEqual(due.dismantlingOverdue);
      expect(await get(sealed.id)).toMatchObject({ stage: 'exited', dismantlingOverdueOn: '2025-11-01' });
      expect((await get(reported.id)).dismantlingOverdueOn).toBeNull();
      expect((await sweep(t, operator, noon('2025-11-02'))).dismantlingOverdue).toBe(0);
      const history = (await t.request('GET', `/v1/obligations/${sealed.id}/history`, { key: operator })).body.items;
      expect(history[history.length - 1]).toMatchObject({ action: 'flag_dismantling_overdue', details: { dismantleBy: '2025-10-31' } });
      const exitList = (await t.request('GET', '/v1/public/lists/exit?year=2025&method=sealed')).body.items;
      const bySealed = exitList.filter((i: { uscc: string }) => [sealed.uscc, reported.uscc].includes(i.uscc));
      expect(bySealed.map((i: { dismantledOn: string | null }) => i.dismantledOn).sort()).toEqual(['2025-10-20', null].sort());
    });
  });
});
