import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app';
import { deliveriesTo, eventually, sanction } from './support/delivery-fixtures';
import { Receiver, startReceiver } from './support/receiver';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(__dirname, '..', 'test-artifacts', 'console');
const ZONE = 'Asia/Shanghai';
const START = '2025-06-01T04:00:00.000Z';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`console e2e skipped: ${CHROMIUM} is absent (apt-get install chromium)`);

/** What the console should print for an instant: wall time in the jurisdiction's zone. */
function shanghai(iso: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

(available ? describe : describe.skip)('operator console in the browser', () => {
  let t: TestApp;
  let rx: Receiver;
  let db: DataSource;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let operator: { id: string; key: string; name: string };
  let admin: { id: string; key: string; name: string };
  let dept: string;
  let sub: string;

  const status = async (id: string) => (await db.query('SELECT status FROM deliveries WHERE id = $1', [id]))[0].status as string;
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const field = (label: string) => page.locator('label.field', { hasText: label });
  const confirm = () => page.getByRole('dialog').getByTestId('confirm').click();

  async function signIn(key: string) {
    await page.getByTestId('api-key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function signOut() {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('api-key').waitFor();
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    rx = await startReceiver();
    t = await startTestApp({ outbound: { allow: ['127.0.0.1'] }, dimensions: { energy: { noticeDays: 0 } } }, START);
    db = t.app.get(DataSource);
    operator = await t.principal({ role: 'operator', name: '值班运维' });
    admin = await t.principal({ role: 'admin', name: 'console-admin' });
    dept = await t.key({ role: 'department', department: 'industry_it' });
    rx.respond('/land', [{ status: 503, body: 'sandbox unavailable' }]);
    const created = await t.request('POST', '/v1/subscriptions', { key: admin.key, body: { agency: '市自然资源局', domains: ['land_supply'], url: rx.url('/land') } });
    expect(created.status).toBe(201);
    sub = created.body.id;
    await sanction(t, { dept, operator: operator.key }, 3);
    await eventually(() => deliveriesTo(t, sub), (d) => d.length === 3 && d.every((x) => x.status === 'failed' && x.last_http_status === 503));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    // A browser far from the jurisdiction shows that times follow the gateway's zone, not the machine's.
    context = await browser.newContext({ timezoneId: 'America/Los_Angeles', locale: 'en-US', viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await rx?.close();
  });

  it('serves the pages and nothing else from their folder, and the settings they need', async () => {
    const index = await t.request('GET', '/console');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(index.body).toContain('/console/app.js');
    expect((await t.request('GET', '/console/app.js')).status).toBe(200);
    expect((await t.request('GET', '/console/console.module.js')).status).toBe(404);
    const settings = await t.request('GET', '/v1/console/settings');
    expect(settings.body).toMatchObject({ timeZone: ZONE, now: t.clock.now().toISOString() });
    expect(settings.body.counties).toEqual(expect.arrayContaining([{ code: '441602', name: '源城区' }]));
  });

  it('opens the read-only queue dashboard only with the cookie the console obtains with its key', async () => {
    expect((await t.request('GET', '/ops/queues')).status).toBe(401);
    expect((await t.request('POST', '/v1/console/session', { key: dept })).status).toBe(403);
    const session = await t.request('POST', '/v1/console/session', { key: operator.key });
    expect(session.status).toBe(200);
    const cookie = session.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^csg_console=[^;]+; Path=\/ops\/queues; Max-Age=900; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(operator.key);
    const value = cookie.split(';')[0];
    const queues = await t.request('GET', '/ops/queues/api/queues', { headers: { cookie: value } });
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['deliveries', 'ops']);
    expect((await t.request('GET', '/ops/queues/api/queues', { headers: { cookie: `${value}x` } })).status).toBe(401);
    expect((await t.request('PUT', '/ops/queues/api/queues/deliveries/retry/failed', { headers: { cookie: value } })).status).toBe(405);
    // Revoking the key closes the dashboard at once, whatever the cookie's age.
    const other = await t.principal({ role: 'operator' });
    const otherCookie = (await t.request('POST', '/v1/console/session', { key: other.key })).headers.get('set-cookie')!.split(';')[0];
    expect((await t.request('GET', '/ops/queues/api/queues', { headers: { cookie: otherCookie } })).status).toBe(200);
    await db.query('UPDATE principals SET revoked_at = now() WHERE id = $1', [other.id]);
    expect((await t.request('GET', '/ops/queues/api/queues', { headers: { cookie: otherCookie } })).status).toBe(401);
    // Signing out with the key ends the cookie on the server too, not only in the browser that drops it.
    const third = await t.principal({ role: 'operator' });
    const thirdCookie = (await t.request('POST', '/v1/console/session', { key: third.key })).headers.get('set-cookie')!.split(';')[0];
    expect((await t.request('GET', '/ops/queues/api/queues', { headers: { cookie: thirdCookie } })).status).toBe(200);
    expect((await t.request('DELETE', '/v1/console/session')).status).toBe(204);
    expect((await t.request('GET', '/ops/queues/api/queues', { headers: { cookie: thirdCookie } })).status).toBe(200);
    expect((await t.request('DELETE', '/v1/console/session', { key: third.key })).status).toBe(204);
    expect((await t.request('GET', '/ops/queues/api/queues', { headers: { cookie: thirdCookie } })).status).toBe(401);
    t.clock.advance(1);
    const again = (await t.request('POST', '/v1/console/session', { key: third.key })).headers.get('set-cookie')!.split(';')[0];
    expect((await t.request('GET', '/ops/queues/api/queues', { headers: { cookie: again } })).status).toBe(200);
  });

  it('signs in, switches language, and keeps the key out of the address and of localStorage', async () => {
    await page.goto(`${t.baseUrl}/console/`);
    await page.getByRole('button', { name: 'English' }).click();
    await shot('signin');
    await signIn('csg_not-a-real-key');
    await page.getByText('Unknown or revoked key.').waitFor();
    await signIn(operator.key);
    await page.getByTestId('who').getByText(`${operator.name} (operator)`).waitFor();
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('link', { name: '发送失败' }).waitFor();
    await page.reload();
    await page.getByRole('link', { name: '审计记录' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Failed transmissions' }).waitFor();
    expect(page.url()).not.toContain(operator.key);
    expect(await page.evaluate('JSON.stringify(localStorage)')).not.toContain(operator.key);
    expect(await page.evaluate("sessionStorage.getItem('console.key')")).toBe(operator.key);
    await page.getByTestId('zone').getByText(ZONE).waitFor();
  });

  it('filters real failures, and a confirmed retry from the detail page delivers once the sandbox recovers', async () => {
    const [first] = await deliveriesTo(t, sub);
    await field('Target').locator('select').selectOption(sub);
    await page.getByTestId('view').selectOption('failed');
    await page.getByTestId('http-status').fill('500');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Nothing here.').waitFor();
    await page.getByTestId('http-status').fill('503');
    await page.getByTestId('error-text').fill('503');
    await page.getByRole('button', { name: 'Apply' }).click();
    const rows = page.getByTestId('deliveries').locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    const api = (await t.request('GET', `/v1/ops/deliveries/${first.id}`, { key: operator.key })).body;
    const row = page.locator(`tr[data-delivery="${first.id}"]`);
    expect(await row.locator('td').nth(1).innerText()).toBe(shanghai(api.createdAt));
    await expect(row.getByText('市自然资源局').count()).resolves.toBe(1);
    await shot('failures');

    await row.getByRole('link').click();
    await page.getByTestId('attempts').waitFor();
    expect(await page.getByTestId('attempts').locator('tbody tr').count()).toBe(1);
    await page.getByTestId('attempts').getByText('sandbox unavailable').waitFor();
    expect(await page.getByTestId('jws').innerText()).toBe(api.record.jws);
    await shot('delivery');

    rx.respond('/land', [{ status: 200 }]);
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await status(first.id)).toBe('failed');
    await page.getByRole('button', { name: 'Retry' }).click();
    await confirm();
    await page.getByTestId('delivery-status').getByText('delivered').waitFor({ timeout: 15_000 });
    expect(await status(first.id)).toBe('delivered');
    const got = rx.received('/land').filter((r) => r.webhookId === first.id);
    expect(got.map((r) => r.status)).toEqual([503, 200]);
    const [entry] = (await t.request('GET', `/v1/ops/audit?action=delivery.retry&subjectId=${first.id}`, { key: admin.key })).body.items;
    expect(entry).toMatchObject({ actor: { id: operator.id, name: operator.name }, before: { status: 'failed' }, after: { status: 'pending' } });
  }, 60_000);

  it('retries selected rows, and all matching rows with a progress bar', async () => {
    const [, second, third] = await deliveriesTo(t, sub);
    await page.getByRole('link', { name: 'Failed transmissions' }).click();
    await field('Target').locator('select').selectOption(sub);
    await page.getByTestId('view').selectOption('failed');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator(`tr[data-delivery="${second.id}"] input[type=checkbox]`).check();
    await page.getByRole('button', { name: 'Retry selected (1)' }).click();
    await confirm();
    await page.getByText('1 scheduled for retry, 0 could not be retried.').waitFor();
    await eventually(() => status(second.id), (s) => s === 'delivered');
    expect(await status(third.id)).toBe('failed');

    await page.getByRole('button', { name: 'Retry all matching' }).click();
    await page.getByRole('dialog').getByText(sub).waitFor();
    await confirm();
    await page.locator('[data-testid=bulk-progress][data-status=done]').getByText('1 / 1').waitFor({ timeout: 15_000 });
    await eventually(() => status(third.id), (s) => s === 'delivered');
    const jobs = await db.query(`SELECT filter FROM bulk_jobs`);
    expect(jobs).toEqual([{ filter: expect.objectContaining({ status: ['failed'], target: sub }) }]);
  }, 60_000);

  it('cancels a stuck platform delivery with a reason, after confirming', async () => {
    t.clock.advance(2 * 3_600_000);
    await page.reload();
    await page.getByTestId('view').selectOption('stuck');
    await field('Pending longer than').locator('input').fill('60');
    await field('Target').locator('select').selectOption('credit-platform');
    await page.getByRole('button', { name: 'Apply' }).click();
    const rows = page.getByTestId('deliveries').locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    expect(await page.getByRole('button', { name: 'Retry all matching' }).isDisabled()).toBe(true);
    const id = (await rows.first().getAttribute('data-delivery'))!;
    await rows.first().getByRole('link').click();
    await page.getByRole('button', { name: 'Cancel delivery' }).click();
    expect(await page.getByRole('dialog').getByTestId('confirm').isDisabled()).toBe(true);
    await page.getByTestId('cancel-reason').fill('duplicate of a paper filing');
    await confirm();
    await page.getByTestId('delivery-status').getByText('cancelled').waitFor();
    expect(await status(id)).toBe('cancelled');
    const [entry] = (await t.request('GET', `/v1/ops/audit?action=delivery.cancel&subjectId=${id}`, { key: admin.key })).body.items;
    expect(entry).toMatchObject({ actor: { name: operator.name }, details: { reason: 'duplicate of a paper filing' } });
  });

  it('shows target health, refuses an operator disabling a subscription, and lets an admin do it', async () => {
    await page.getByRole('link', { name: 'Targets' }).click();
    const row = page.locator(`tr[data-target="${sub}"]`);
    await row.getByText('50.0%').waitFor();
    await shot('targets');
    await row.getByRole('button', { name: 'Disable' }).click();
    await confirm();
    await page.getByText('this operator key may not do it').waitFor();
    expect((await db.query('SELECT state FROM subscriptions WHERE id = $1', [sub]))[0].state).toBe('active');

    await signOut();
    await signIn(admin.key);
    await page.getByRole('link', { name: 'Targets' }).click();
    await row.getByRole('button', { name: 'Disable' }).click();
    await confirm();
    await row.getByRole('button', { name: 'Enable' }).waitFor();
    expect((await db.query('SELECT state FROM subscriptions WHERE id = $1', [sub]))[0].state).toBe('disabled');
    const [entry] = (await t.request('GET', `/v1/ops/audit?action=subscription.update&subjectId=${sub}`, { key: admin.key })).body.items;
    expect(entry).toMatchObject({ actor: { name: admin.name }, before: { state: 'active' }, after: { state: 'disabled' } });
  });

  it('shows reconciliation reports, or says why it cannot', async () => {
    const api = await t.request('GET', '/v1/ops/reconciliations', { key: admin.key });
    await page.getByRole('link', { name: 'Reconciliation' }).click();
    if (api.status === 200) {
      await page.locator('[data-testid=reconciliations], p.muted:has-text("Nothing here.")').first().waitFor();
    } else {
      await page.getByText(`(HTTP ${api.status})`).waitFor();
    }
    await shot('reconciliations');
  });

  it('runs a sweep with an as-of time read in the jurisdiction zone', async () => {
    await page.getByRole('link', { name: 'Sweeps' }).click();
    await page.getByTestId('sweeps').waitFor();
    // The gateway's clock stands at 2025-06-01 12:00 in Asia/Shanghai: an earlier instant may be named.
    await page.getByTestId('as-of').fill('2025-06-01T08:30');
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByRole('dialog').getByText('asOf 2025-06-01T08:30:00+08:00').waitFor();
    await confirm();
    await page.getByText('Sweep finished:').waitFor();
    const [latest] = (await t.request('GET', '/v1/ops/sweeps', { key: admin.key })).body.items;
    expect(new Date(latest.asOf).toISOString()).toBe('2025-06-01T00:30:00.000Z');
    await page.getByTestId('sweeps').getByText(shanghai(latest.asOf)).first().waitFor();
    await shot('sweeps');
  });

  it('previews a sweep at a later instant as a dry run, writing nothing', async () => {
    const runs = (await t.request('GET', '/v1/ops/sweeps', { key: admin.key })).body.items.length;
    await page.getByTestId('as-of').fill('2026-06-01T00:00');
    await page.getByTestId('dry-run').check();
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByText('Dry run, nothing written:').waitFor();
    expect((await t.request('GET', '/v1/ops/sweeps', { key: admin.key })).body.items.length).toBe(runs);
    await shot('sweep-preview');
    await page.getByTestId('dry-run').uncheck();
  });

  it('lists who did what in the audit trail', async () => {
    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.getByTestId('audit-action').fill('delivery.retry');
    await page.getByRole('button', { name: 'Apply' }).click();
    const rows = page.getByTestId('audit').locator('tbody tr');
    // The unfiltered trail shows first; wait for the filtered one.
    await page.waitForFunction("[...document.querySelectorAll('[data-testid=audit] tbody tr')].every((r) => r.innerText.includes('delivery.retry'))");
    expect(await rows.count()).toBe(2);
    const text = await rows.first().innerText();
    expect(text).toContain(operator.name);
    expect(text).toContain(`"nextAttemptAt": "${shanghai(START)}"`);
    await shot('audit');
  });

  it('embeds the queue dashboard, with its fonts from the gateway, and closes it on sign-out', async () => {
    const hosts = new Set<string>();
    const fonts: string[] = [];
    page.on('request', (r) => hosts.add(new URL(r.url()).host));
    page.on('response', (r) => {
      if (r.url().includes('/ops/queues/fonts/')) fonts.push(`${r.status()} ${r.headers()['content-type']}`);
    });
    await page.getByRole('link', { name: 'Queues' }).click();
    const frame = page.frameLocator('iframe.dashboard');
    await frame.getByText('deliveries', { exact: false }).first().waitFor({ timeout: 15_000 });
    await frame.getByText('Loading').first().waitFor({ state: 'hidden', timeout: 15_000 });
    await shot('queues');
    // The page asks for nothing beyond the gateway (a government intranet reaches no font service).
    expect([...hosts]).toEqual([new URL(t.baseUrl).host]);
    expect(fonts.length).toBeGreaterThan(0);
    expect(new Set(fonts)).toEqual(new Set(['200 font/woff2']));
    await signOut();
    expect(await page.evaluate("sessionStorage.getItem('console.key')")).toBeNull();
    const after = await page.evaluate("fetch('/ops/queues/api/queues').then((r) => r.status)");
    expect(after).toBe(401);
  });
});
