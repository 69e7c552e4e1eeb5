import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app';
import { enterprise, obligation } from './support/fixtures';
import { exitOrdered, sweep } from './support/sweep-fixtures';

// Every operation the OpenAPI document lists, sent generated malformed bodies, query strings, path values and
// headers: none may answer 5xx, and a refused request writes nothing. Bounded in runs and in time.

const RUNS_PER_OPERATION = 40;
const TIME_PER_OPERATION_MS = 2500;
// Every query parameter any list or report takes: each request picks some of them.
const QUERY_NAMES = [
  'since', 'until', 'limit', 'cursor', 'afterSeq', 'year', 'county', 'state', 'method', 'status', 'target', 'stage',
  'dimension', 'department', 'uscc', 'principalId', 'from', 'to', 'preset', 'groupBy', 'format', 'seq', 'treeSize',
  'quality', 'agency', 'action', 'subjectType', 'subjectId', 'httpStatus', 'include',
];
// Tables a refused request must leave alone. Attempts, alerts, checkpoints and the lookup log are written in
// the background by design and are left out.
const TABLES = [
  'enterprises', 'enterprise_events', 'obligations', 'obligation_events', 'records', 'record_versions', 'ledger_entries',
  'deliveries', 'subscriptions', 'principals', 'audit_log', 'feedback', 'idempotency_keys', 'bulk_jobs', 'reconciliation_runs', 'clock_state',
];

/**
 * A valid body per operation: changing one of its fields at a time gets generated values past validation,
 * into the services and the database, where a 500 or a half-made write would show.
 */
function examples(ids: Record<string, string[]>): Record<string, Record<string, unknown>> {
  return {
    'POST /v1/enterprises': enterprise(77),
    'POST /v1/obligations': obligation(ids.uscc[0], 'FUZZ-EX'),
    'POST /v1/obligations/{id}/extension': { requestedDeadline: '2025-11-30', reason: '申请延期' },
    'POST /v1/obligations/{id}/rectified': { verifiedOn: '2025-05-30' },
    'POST /v1/obligations/{id}/exit-order': { exitDeadline: '2025-12-31', decidedOn: '2025-05-30' },
    'POST /v1/obligations/{id}/exit-completed': { completedOn: '2025-05-30', method: 'dismantled' },
    'POST /v1/obligations/{id}/objection': { raisedOn: '2025-05-30', decision: 'rejected', reason: '异议' },
    'POST /v1/obligations/{id}/dismantled': { dismantledOn: '2025-05-30' },
    'POST /v1/subscriptions': { agency: 'fuzz-agency', domains: ['land_supply'], url: 'https://93.184.216.34/hook' },
    'PATCH /v1/subscriptions/{id}': { state: 'paused', agency: 'renamed' },
    'POST /v1/records/{recordId}/amendments': { measures: ['land_supply'], reason: '缩小范围' },
    'POST /v1/restrictions:batch': { usccs: ids.uscc },
    'POST /v1/ops/sweeps': { dryRun: true, asOf: '2026-01-01T00:00:00+08:00' },
    'POST /v1/ops/clock': { now: '2030-01-01T00:00:00+08:00' },
    'POST /v1/ops/deliveries/{id}/cancel': { reason: '不再需要' },
    'POST /v1/ops/deliveries:retry': { filter: { status: 'dead' } },
    'POST /v1/feedback': { recordId: ids.recordId[0], domain: 'land_supply', action: 'restriction_applied', occurredOn: '2025-05-30' },
    'POST /v1/ops/reconciliations': { target: 'credit-platform' },
  };
}

interface Operation {
  method: string;
  path: string;
  bodyFields: string[];
  json: boolean;
}

/** The values that broke gateways before: each is put in each field of every example body. */
const HOSTILE: unknown[] = ['\ud800', 'a\udc00b', 'x\u0000y', '', '2026-02-30', '0000-01-01T00:00:00Z', 1e20, -1, 'x'.repeat(5000), [[[['deep']]]], { nested: { object: true } }, null];

/** Text an attacker or a broken client sends: lone surrogates, NUL, huge numbers, dates that do not exist. */
const nasty = fc.oneof(
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 4, arbitrary: fc.constantFrom('\ud800', 'a\udc00b', '\u0000', '', ' ', 'null', '-1', '0', '1e20', '9'.repeat(40), 'NaN', '2026-02-30', '0000-01-01',
    '2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '2025-06-01T25:00:00+08:00', '2025-06-01', '../../etc/passwd', "' OR 1=1 --",
    '91441602MA53K2P61E', '00000000-0000-4000-8000-000000000000', 'x'.repeat(5000), '%00', '%ED%A0%80') },
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    nasty,
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.constantFrom(1e20, -1, 0, 2 ** 53, Number.MAX_SAFE_INTEGER + 2),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('any'), { maxLength: 4 }),
    fc.dictionary(nasty, tie('any'), { maxKeys: 3 }),
  ),
})).any;

/** A path segment for any string; a lone surrogate, which encodeURIComponent refuses, goes as its raw bytes. */
function pathValue(text: string): string {
  return text.replace(/[\ud800-\udfff]/g, '\u0001').split('\u0001').map(encodeURIComponent).join('%ED%A0%80');
}

/** The example with one field replaced by a generated value, dropped, or joined by an unknown one. */
function mutated(example: Record<string, unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ field: fc.constantFrom(...Object.keys(example)), to: nasty }).map(({ field, to }) => ({ ...example, [field]: to })) },
    fc.record({ field: fc.constantFrom(...Object.keys(example)), to: value }).map(({ field, to }) => ({ ...example, [field]: to })),
    fc.constantFrom(...Object.keys(example)).map((field) => Object.fromEntries(Object.entries(example).filter(([k]) => k !== field))),
    fc.record({ field: nasty, to: value }).map(({ field, to }) => ({ ...example, [field]: to })),
  );
}

describe('fuzzing every operation', () => {
  jest.setTimeout(300_000);
  let t: TestApp;
  let db: DataSource;
  let operations: Operation[];
  const keys: Record<string, string> = {};
  const ids: Record<string, string[]> = {};
  let requests = 0;

  /** Sends one request; a 5xx, no answer, or a refusal that wrote something goes into `failures`. */
  const attempt = async (method: string, path: string, query: string, headers: Record<string, string>, body: string | undefined, failures: string[]) => {
    const before = await counts();
    const described = `${method} ${path}?${query} ${body?.slice(0, 200)}`;
    try {
      const res = await fetch(`${t.baseUrl}${path}${query ? `?${query}` : ''}`, { method, headers, body });
      const text = await res.text();
      requests++;
      if (res.status >= 500) failures.push(`${described} -> ${res.status} ${text.slice(0, 200)}`);
      else if (res.status >= 400) {
        const after = await counts();
        if (JSON.stringify(after) !== JSON.stringify(before)) failures.push(`${described} refused ${res.status} yet wrote: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
      }
    } catch (e) {
      failures.push(`${described} -> no answer: ${(e as Error).message}`);
    }
  };

  const counts = async () =>
    (await db.query(`SELECT ${TABLES.map((table) => `(SELECT count(*) FROM ${table})::int AS ${table}`).join(', ')}`))[0] as Record<string, number>;

  beforeAll(async () => {
    t = await startTestApp({ dimensions: { energy: { noticeDays: 0 } } });
    db = t.app.get(DataSource);
    keys.admin = await t.key({ role: 'admin' });
    keys.operator = await t.key({ role: 'operator' });
    keys.department = await t.key({ role: 'department', department: 'industry_it' });
    keys.agency = await t.key({ role: 'agency', domains: ['land_supply'] });
    // Real ids, so that generated bodies reach the services behind the path, not only the 404s in front.
    const e = enterprise(1);
    await t.request('POST', '/v1/enterprises', { key: keys.department, body: e });
    const open = await t.request('POST', '/v1/obligations', { key: keys.department, body: obligation(e.uscc, 'FUZZ-1') });
    const sanctioned = await exitOrdered(t, keys.department, 2, '2025-05-20');
    await sweep(t, keys.operator, '2025-06-01T04:00:00Z');
    const sub = await t.request('POST', '/v1/subscriptions', { key: keys.admin, body: { agency: 'fuzz', domains: ['land_supply'], url: 'https://93.184.216.34/hook' } });
    const [record] = await db.query(`SELECT record_id FROM records LIMIT 1`);
    const [delivery] = await db.query(`SELECT id FROM deliveries LIMIT 1`);
    Object.assign(ids, {
      id: [open.body.id, sanctioned.id, sub.body.id, delivery?.id].filter(Boolean),
      recordId: [record.record_id],
      uscc: [e.uscc, sanctioned.uscc],
      list: ['yellow', 'red', 'exit', 'sanctions'],
    });
    const doc = (await t.request('GET', '/docs/json')).body;
    operations = Object.entries<Record<string, any>>(doc.paths).flatMap(([path, ops]) =>
      Object.entries<any>(ops).map(([method, op]) => {
        const content = op.requestBody?.content ?? {};
        const ref: string | undefined = content['application/json']?.schema?.$ref;
        const schema = ref ? doc.components.schemas[ref.split('/').pop()!] : undefined;
        return { method: method.toUpperCase(), path, bodyFields: Object.keys(schema?.properties ?? {}), json: !content['text/csv'] };
      }),
    );
  });
  afterAll(async () => {
    // The figure the closing note reports.
    console.log(`fuzzed ${requests} requests over ${operations.length} operations`);
    await t.close();
  });

  it('answers every generated request below 500, and writes nothing when it refuses', async () => {
    expect(operations.length).toBeGreaterThan(40);
    const valid = examples(ids);
    const failures: string[] = [];
    for (const op of operations) {
      const request = fc.record({
        params: fc.dictionary(fc.constantFrom(...Object.keys(ids)), fc.oneof(nasty, fc.constantFrom(...Object.values(ids).flat()))),
        query: fc.dictionary(fc.constantFrom(...QUERY_NAMES), nasty, { maxKeys: 4 }),
        body: fc.oneof(
          ...(valid[`${op.method} ${op.path}`] ? [mutated(valid[`${op.method} ${op.path}`]), mutated(valid[`${op.method} ${op.path}`])] : []),
          fc.dictionary(fc.constantFrom(...(op.bodyFields.length ? op.bodyFields : ['x'])), value, { maxKeys: 6 }),
          value,
          fc.string(),
        ),
        // Mostly as an admin speaking JSON, so that generated values get past the door; the rest tries the door.
        key: fc.oneof({ weight: 6, arbitrary: fc.constant('admin') }, fc.constantFrom('operator', 'department', 'agency', 'none', 'bogus')),
        contentType: fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, fc.constantFrom('text/csv', 'application/x-ndjson', 'text/plain', 'application/xml')),
        raw: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => pathValue(String(r.params[name] ?? ids[name]?.[0] ?? 'x')));
          const query = new URLSearchParams(Object.entries(r.query).map(([k, v]): [string, string] => [k, String(v)])).toString();
          const headers: Record<string, string> = {};
          if (r.key === 'bogus') headers.authorization = `Bearer csg_${'B'.repeat(43)}`;
          else if (r.key !== 'none') headers.authorization = `Bearer ${keys[r.key]}`;
          let body: string | undefined;
          if (op.method !== 'GET' && op.method !== 'DELETE') {
            headers['content-type'] = op.json ? r.contentType : r.contentType === 'application/json' ? 'text/csv' : r.contentType;
            body = r.raw && typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
          }
          await attempt(op.method, path, query, headers, body, failures);
        }),
        { numRuns: RUNS_PER_OPERATION, interruptAfterTimeLimit: TIME_PER_OPERATION_MS, seed: 20261203 },
      );
      if (failures.length) break;
    }
    expect(failures).toEqual([]);
  });

  it('takes every hostile value in every field of a valid body without a 5xx or a half-made write', async () => {
    const failures: string[] = [];
    const headers = { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' };
    for (const [operation, example] of Object.entries(examples(ids))) {
      const [method, template] = operation.split(' ');
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => pathValue(ids[name][0]));
      for (const field of Object.keys(example)) {
        for (const hostile of HOSTILE) await attempt(method, path, '', headers, JSON.stringify({ ...example, [field]: hostile }), failures);
      }
    }
    expect(failures).toEqual([]);
  });
});
