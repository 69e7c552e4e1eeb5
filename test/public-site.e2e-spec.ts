import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { compactVerify, createLocalJWKSet } from 'jose';
import { startTestApp, TestApp } from './support/app';
import { enterprise, obligation } from './support/fixtures';
import { exitOrdered, sweep } from './support/sweep-fixtures';

// The public lists as web pages (信息公开): search, filters, paging, the national fields, the signed record.

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(__dirname, '..', 'test-artifacts', 'public-site');
const available = existsSync(CHROMIUM);

describe('public list site', () => {
  let t: TestApp;
  let dept: string;
  const codes: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ dimensions: { energy: { noticeDays: 0 } } }, '2025-06-01T04:00:00Z');
    dept = await t.key({ role: 'department', department: 'industry_it' });
    const operator = await t.key({ role: 'operator' });
    const open = async (n: number, name: string, o: Record<string, unknown> = {}) => {
      const e = enterprise(n, { name });
      await t.request('POST', '/v1/enterprises', { key: dept, body: e });
      expect((await t.request('POST', '/v1/obligations', { key: dept, body: obligation(e.uscc, `SITE-${n}`, o) })).status).toBe(201);
      codes[n] = e.uscc;
    };
    await open(1, '河源市东江特钢有限公司');
    await open(2, '紫金县<script>alert(1)</script>钢铁有限公司');
    for (let n = 10; n < 70; n++) await open(n, `河源市翻页测试钢铁有限公司${n}`, { issuedOn: '2025-02-01' });
    const s = await exitOrdered(t, dept, 3, '2025-05-20');
    codes[3] = s.uscc;
    expect((await sweep(t, operator, '2025-06-01T04:00:00Z')).sanctioned).toBe(1);
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(() => t.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t.baseUrl}${path}`, { headers });

  it('serves a self-contained page, escaped, in Chinese first and in English, cached by its ETag', async () => {
    const res = await get('/public/lists/yellow');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('黄牌企业名单');
    for (const label of ['企业名称', '统一社会信用代码', '认定依据', '认定部门', '列入日期', '移出日期']) expect(html).toContain(label);
    const found = await (await get(`/public/lists/yellow?q=${encodeURIComponent('紫金县')}`)).text();
    expect(found).not.toContain('<script>');
    expect(found).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Nothing is loaded from anywhere else.
    expect(html.match(/(src|href)="(https?:)?\/\//g)).toBeNull();
    const etag = res.headers.get('etag')!;
    expect((await get('/public/lists/yellow', { 'if-none-match': etag })).status).toBe(304);
    const english = await (await get('/public/lists/yellow?lang=en')).text();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('Yellow list');
    expect((await get('/public/lists/green')).status).toBe(404);
    expect((await get('/public/lists/yellow?lang=fr')).status).toBe(400);
  });

  it('finds an enterprise by its code and by part of its name, and filters the API the same way', async () => {
    const byCode = await (await get(`/public/lists/yellow?q=${codes[1]}`)).text();
    expect(byCode).toContain('河源市东江特钢有限公司');
    expect(byCode).not.toContain('翻页测试');
    const byName = await (await get(`/public/lists/yellow?q=${encodeURIComponent('东江特钢')}`)).text();
    expect(byName).toContain(codes[1]);
    const api = (await (await get(`/v1/public/lists/yellow?q=${encodeURIComponent('翻页测试')}&limit=500`)).json()) as { items: unknown[] };
    expect(api.items).toHaveLength(60);
    // LIKE's wildcards are matched as themselves.
    expect(((await (await get(`/v1/public/lists/yellow?q=${encodeURIComponent('%')}`)).json()) as { items: unknown[] }).items).toEqual([]);
    expect(((await (await get('/v1/public/lists/yellow?dimension=quality')).json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('pages through a long list, fifty a page', async () => {
    const first = await (await get('/public/lists/yellow')).text();
    const next = /href="([^"]+)"[^>]*>下一页|rel="next" href="([^"]+)"/.exec(first);
    expect(next).not.toBeNull();
    const url = (next![1] ?? next![2]).replace(/&amp;/g, '&');
    const second = await (await get(url)).text();
    expect((first.match(/<tr>/g) ?? []).length).toBe(1 + 50);
    expect((second.match(/<tr>/g) ?? []).length).toBe(1 + 12);
  });

  it('links each sanction to its signed record, which verifies with the JWKS alone', async () => {
    const html = await (await get('/public/lists/sanctions')).text();
    expect(html).toContain('如何核验联合惩戒记录');
    const [, recordId] = /\/v1\/public\/records\/([0-9A-Z]{26})/.exec(html)!;
    const signed = (await (await get(`/v1/public/records/${recordId}`)).json()) as { record: { subject: { uscc: string } }; jws: string };
    expect(signed.record.subject.uscc).toBe(codes[3]);
    const jwks = (await (await get('/.well-known/jwks.json')).json()) as Parameters<typeof createLocalJWKSet>[0];
    const { payload } = await compactVerify(signed.jws, createLocalJWKSet(jwks));
    expect(JSON.parse(Buffer.from(payload).toString('utf8')).recordId).toBe(recordId);
    expect((await get('/v1/public/records/01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);
  });

  (available ? describe : describe.skip)('in the browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
    }, 60_000);
    afterAll(() => browser?.close());

    it('searches by code and by part of the name from the form, and reads well at phone width', async () => {
      const wide = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const hosts = new Set<string>();
      wide.on('request', (r) => hosts.add(new URL(r.url()).host));
      await wide.goto(`${t.baseUrl}/public/lists/yellow`);
      await wide.screenshot({ path: join(SHOTS, 'yellow.png'), fullPage: true });
      await wide.getByLabel('企业名称或统一社会信用代码').fill(codes[1]);
      await wide.getByRole('button', { name: '查询' }).click();
      await wide.waitForURL(/q=/);
      await wide.screenshot({ path: join(SHOTS, 'after-search.png'), fullPage: true });
      await wide.getByTestId('entries').getByText('河源市东江特钢有限公司').waitFor({ timeout: 10_000 });
      expect(await wide.getByTestId('entries').locator('tbody tr').count()).toBe(1);
      await wide.screenshot({ path: join(SHOTS, 'yellow-search-code.png'), fullPage: true });
      await wide.getByLabel('企业名称或统一社会信用代码').fill('翻页测试');
      await wide.getByRole('button', { name: '查询' }).click();
      await wide.waitForURL(/q=/);
      expect(await wide.getByTestId('entries').locator('tbody tr').count()).toBe(50);
      await wide.getByRole('link', { name: 'English' }).click();
      await wide.getByRole('heading', { name: 'Yellow list' }).waitFor();
      expect([...hosts]).toEqual([new URL(t.baseUrl).host]);

      const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
      await phone.goto(`${t.baseUrl}/public/lists/sanctions`);
      await phone.getByText(codes[3]).waitFor();
      const fits = await phone.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
      expect(fits).toBe(true);
      // Each card names its fields, since the table's header row is hidden on a narrow screen.
      expect(await phone.locator('td[data-label="认定依据"]').first().isVisible()).toBe(true);
      await phone.screenshot({ path: join(SHOTS, 'sanctions-phone.png'), fullPage: true });
      writeFileSync(join(SHOTS, 'sanctions-phone.html'), await phone.content());
      await wide.close();
      await phone.close();
    }, 60_000);
  });
});
