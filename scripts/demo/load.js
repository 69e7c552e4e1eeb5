#!/usr/bin/env node
'use strict';
// Loads the demo data (data.js) through the public HTTP API, as department systems would.
// Safe to repeat: enterprises upsert, obligations are idempotent by (department, externalRef),
// and a stage change is made only while the obligation is still at the stage it starts from.
// Reads GATEWAY_URL and the department keys written by demo.sh from the environment.
const { demoData } = require('./data');

const baseUrl = (process.env.GATEWAY_URL || 'http://127.0.0.1:3000').replace(/\/$/, '');
const departmentKeys = {
  industry_it: process.env.INDUSTRY_IT_KEY,
  ecology_environment: process.env.ECOLOGY_ENVIRONMENT_KEY,
  market_regulation: process.env.MARKET_REGULATION_KEY,
  emergency_management: process.env.EMERGENCY_MANAGEMENT_KEY,
  development_reform: process.env.DEVELOPMENT_REFORM_KEY,
};
// The industry bureau keeps the register of the focus industries' enterprises.
const registrarKey = departmentKeys.industry_it;

/** Stages from which each stage change is legal (src/obligations/stage-machine.ts). */
const STARTS_FROM = {
  extension: ['rectification'],
  rectified: ['rectification'],
  'exit-order': ['rectification'],
  'exit-completed': ['exit_ordered', 'notified', 'sanctioned'],
};

class HttpFailure extends Error {}

async function call(method, path, key, body) {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}

function fail(what, res) {
  return new HttpFailure(`${what}: HTTP ${res.status} ${typeof res.body === 'string' ? res.body : JSON.stringify(res.body)}`);
}

function keyFor(department) {
  const key = departmentKeys[department];
  if (!key) throw new Error(`no demo key for department ${department} (expected ${department.toUpperCase()}_KEY)`);
  return key;
}

/** Whether a stage change still has to be made, judged from the obligation as the gateway has it now. */
function due(step, o) {
  if (!STARTS_FROM[step.action].includes(o.stage)) return false;
  if (step.action === 'extension') return o.extendedTo !== step.body.requestedDeadline && o.extensionCount === 0;
  return true;
}

async function openObligation(item, key) {
  const res = await call('POST', '/v1/obligations', key, item.body);
  if (res.status === 201 || res.status === 200) return { obligation: res.body, created: res.status === 201 };
  // A stage change that sets a new deadline (an exit order) makes the gateway see a repeat of the original
  // request as a different case; it is still this case, so carry on from where it is.
  const details = res.body && res.body.details;
  if (
    res.status === 409 &&
    res.body.code === 'EXTERNAL_REF_CONFLICT' &&
    details &&
    Array.isArray(details.fields) &&
    details.fields.length === 1 &&
    details.fields[0] === 'deadline'
  ) {
    const existing = await call('GET', `/v1/obligations/${details.obligationId}`, key);
    if (existing.status === 200 && existing.body.stage !== (item.body.stage || 'rectification')) {
      return { obligation: existing.body, created: false };
    }
  }
  throw fail(`POST /v1/obligations ${item.body.externalRef}`, res);
}

/** Today by the gateway's clock (simulated in the demo), in the jurisdiction's zone. */
async function today(timeZone = 'Asia/Shanghai') {
  const health = await fetch(`${baseUrl}/health`).then((r) => r.json());
  const now = new Date(health.details.clock.now);
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

async function main() {
  const { enterprises, obligations } = demoData();
  if (!registrarKey) throw new Error('INDUSTRY_IT_KEY is not set');

  const counts = { enterprisesCreated: 0, enterprisesUpdated: 0, obligationsCreated: 0, obligationsExisting: 0, stageChanges: 0 };
  for (const e of enterprises) {
    const res = await call('POST', '/v1/enterprises', registrarKey, e);
    if (res.status === 201) counts.enterprisesCreated++;
    else if (res.status === 200) counts.enterprisesUpdated++;
    else throw fail(`POST /v1/enterprises ${e.uscc}`, res);
  }

  const rows = [];
  for (const item of obligations) {
    const key = keyFor(item.body.department);
    const opened = await openObligation(item, key);
    let obligation = opened.obligation;
    counts[opened.created ? 'obligationsCreated' : 'obligationsExisting']++;
    for (const step of item.steps) {
      if (!due(step, obligation)) continue;
      const res = await call('POST', `/v1/obligations/${obligation.id}/${step.action}`, key, step.body);
      if (res.status !== 200) throw fail(`POST /v1/obligations/${obligation.id}/${step.action} (${item.body.externalRef})`, res);
      obligation = res.body;
      counts.stageChanges++;
    }
    rows.push({ o: obligation, enterprise: item.enterprise });
  }

  const now = await today();
  console.log(
    `enterprises: ${counts.enterprisesCreated} created, ${counts.enterprisesUpdated} already registered; ` +
      `obligations: ${counts.obligationsCreated} created, ${counts.obligationsExisting} already open; ` +
      `stage changes made: ${counts.stageChanges}`,
  );
  console.log('');
  for (const { o, enterprise } of rows) {
    const open = o.stage === 'rectification' || o.stage === 'exit_ordered';
    const late = open && o.effectiveDeadline < now ? '  (deadline passed)' : '';
    console.log(`  ${o.id}  ${o.dimension.padEnd(11)} ${o.stage.padEnd(13)} ${o.effectiveDeadline}  ${o.department.padEnd(20)} ${enterprise}${late}`);
  }
}

main().catch((e) => {
  process.stderr.write(`demo data: ${e instanceof HttpFailure ? e.message : e.stack || e}\n`);
  if (e && e.cause && e.cause.code === 'ECONNREFUSED') process.stderr.write(`is the gateway running at ${baseUrl}?\n`);
  process.exit(1);
});
