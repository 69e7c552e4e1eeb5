#!/usr/bin/env node
'use strict';
// Connects the demo gateway to the sandbox's agencies: one subscription per sandbox agency (created once,
// found again by name on later runs), its whsec_ secret registered with the sandbox so pushes verify, then
// one deadline sweep so that overdue demo obligations become signed records on their way out.
// Reads GATEWAY_URL, SANDBOX_URL, ADMIN_KEY and OPERATOR_KEY from the environment.
const gateway = (process.env.GATEWAY_URL || 'http://127.0.0.1:3000').replace(/\/$/, '');
const sandbox = (process.env.SANDBOX_URL || 'http://127.0.0.1:4010').replace(/\/$/, '');

async function call(base, method, path, key, body) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return parsed;
}

async function existingSubscriptions() {
  const all = [];
  let cursor = '';
  do {
    const page = await call(gateway, 'GET', `/v1/subscriptions?limit=100${cursor ? `&cursor=${cursor}` : ''}`, process.env.ADMIN_KEY);
    all.push(...page.items);
    cursor = page.nextCursor || '';
  } while (cursor);
  return all;
}

async function main() {
  const agencies = await call(sandbox, 'GET', '/control/agencies');
  const list = agencies.items;
  const existing = await existingSubscriptions();
  for (const agency of list) {
    const url = `${sandbox}${agency.path}`;
    const found = existing.find((s) => s.agency === agency.name && s.url === url);
    // A secret is shown only once, so a subscription from an earlier run gets a fresh one.
    const { id, secret } = found
      ? await call(gateway, 'POST', `/v1/subscriptions/${found.id}/rotate-secret`, process.env.ADMIN_KEY)
      : await call(gateway, 'POST', '/v1/subscriptions', process.env.ADMIN_KEY, { agency: agency.name, domains: agency.domains, url });
    if (found && found.state !== 'active') await call(gateway, 'PATCH', `/v1/subscriptions/${id}`, process.env.ADMIN_KEY, { state: 'active' });
    await call(sandbox, 'PUT', `/control/agencies/${agency.name}`, null, { domains: agency.domains, secrets: [secret] });
    console.log(`  ${found ? 'reused' : 'created'} subscription ${id} for ${agency.name} (${agency.domains.join(', ')})`);
  }
  const counts = await call(gateway, 'POST', '/v1/ops/sweeps', process.env.OPERATOR_KEY, {});
  console.log(`  sweep: ${JSON.stringify(counts)}`);
}

main().catch((e) => {
  console.error(`demo: ${e.message}`);
  process.exit(1);
});
