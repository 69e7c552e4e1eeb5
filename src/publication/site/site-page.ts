import { DIMENSIONS } from '../../common/domain';
import type { ExitListItemDto, ListedEnterpriseDto, RedListItemDto, SanctionListItemDto, YellowListItemDto } from '../dto/public-lists.dto';
import { DIMENSION_NAMES, MEASURE_NAMES, nameOf } from '../labels';
import { LIST_NAMES, ListItem, ListName } from '../public-lists';
import { ABOUT, Lang, text, TextKey } from './site-text';
import { SITE_CSS } from './site.css';

export interface SitePage {
  city: string;
  list: ListName;
  lang: Lang;
  /** The filters as asked, to fill the form and build the links. */
  query: Record<string, string | undefined>;
  items: ListItem[];
  nextCursor: string | null;
  counties: ReadonlyArray<{ code: string; name: string }>;
  /** This year by the gateway's clock: the year filter offers it and the seven before it. */
  year: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Everything printed comes from the database or the request: escaped, always. */
function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function href(base: string, query: Record<string, string | undefined>, change: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...query, ...change })) if (v) params.set(k, v);
  const qs = params.toString();
  return `${base}${qs ? `?${qs}` : ''}`;
}

/** A select of the options; `any`, when given, is a first option that sets no filter. */
function select(name: string, label: string, current: string | undefined, options: Array<[string, string]>, any: string | null): string {
  const all: Array<[string, string]> = any === null ? options : [['', any], ...options];
  const opts = all.map(([v, l]) => `<option value="${esc(v)}"${v === (current ?? all[0][0]) ? ' selected' : ''}>${esc(l)}</option>`).join('');
  return `<label>${esc(label)}<select name="${name}">${opts}</select></label>`;
}

/** The columns of the national list format, then what the list adds; each cell says its label for narrow screens. */
function row(p: SitePage, item: ListItem): string {
  const t = (k: TextKey) => text(p.lang, k);
  const cell = (key: TextKey, html: string, cls = '') => `<td data-label="${esc(t(key))}"${cls ? ` class="${cls}"` : ''}>${html}</td>`;
  const e = item as ListedEnterpriseDto;
  const cells = [
    cell('name', esc(e.name), 'name'),
    cell('uscc', `<span class="mono">${esc(e.uscc)}</span>`),
    cell('basis', esc(e.basis), 'basis'),
    cell('department', esc(e.department.name)),
    cell('listedOn', esc(e.listedOn)),
    cell('removedOn', esc(e.removedOn ?? '—')),
  ];
  cells.push(cell('detail', detail(p, item)));
  return `<tr>${cells.join('')}</tr>`;
}

function detail(p: SitePage, item: ListItem): string {
  const t = (k: TextKey) => text(p.lang, k);
  const dimension = `${esc((item as ListedEnterpriseDto).dimension.name)} · ${esc((item as ListedEnterpriseDto).county.name)}`;
  switch (p.list) {
    case 'yellow': {
      const y = item as YellowListItemDto;
      const flags = [y.extended ? t('extended') : '', y.overdue ? t('overdue') : ''].filter(Boolean).join(', ');
      return `${dimension}<br>${esc(t('deadline'))} ${esc(y.deadline)}${flags ? ` (${esc(flags)})` : ''}`;
    }
    case 'red': {
      const r = item as RedListItemDto;
      return `${dimension}<br>${esc(t('exitDeadline'))} ${esc(r.exitDeadline)}<br>${capacity(r.capacity)}`;
    }
    case 'exit': {
      const x = item as ExitListItemDto;
      const sealed = x.dismantleBy ? `<br>${esc(t('dismantleBy'))} ${esc(x.dismantleBy)}${x.dismantledOn ? ` ✓ ${esc(x.dismantledOn)}` : ''}` : '';
      return `${dimension}<br>${esc(t('method'))} ${esc(x.method.name)}${sealed}<br>${capacity(x.capacity)}`;
    }
    case 'sanctions': {
      const s = item as SanctionListItemDto;
      const measures = s.measures.map((m) => nameOf(MEASURE_NAMES, m)).join('、');
      return `${dimension}<br>${esc(t('measures'))}：${esc(measures)}<br><a href="/v1/public/records/${esc(s.recordId)}" download="${esc(s.recordId)}.json">${esc(t('record'))} <span class="mono">${esc(s.recordId)}</span></a>`;
    }
  }
}

function capacity(items: Array<{ equipment: string; line: string | null; amount: number; unit: string }>): string {
  return items.map((c) => `${esc(c.equipment)}${c.line ? `（${esc(c.line)}）` : ''} ${esc(c.amount)} ${esc(c.unit)}`).join('；');
}

function verification(p: SitePage): string {
  const t = (k: TextKey, fill: Record<string, string> = {}) => text(p.lang, k, fill);
  return `<section class="verify"><h2>${esc(t('verifyTitle'))}</h2><ol>
    <li>${esc(t('verify1', { jwks: '/.well-known/jwks.json' }))}</li>
    <li>${esc(t('verify2'))}<pre>npm run cli -- record:verify record.json --jwks jwks.json</pre></li>
    <li>${esc(t('verify3'))}</li></ol></section>`;
}

/** The whole page: one request, no script, no resource from anywhere else. */
export function renderSitePage(p: SitePage): string {
  const t = (k: TextKey, fill: Record<string, string> = {}) => text(p.lang, k, fill);
  const q = p.query;
  const page = `/public/lists/${p.list}`;
  const keep = { ...q, cursor: undefined };
  const nav = LIST_NAMES.map((l) => `<a href="${esc(href(`/public/lists/${l}`, { lang: q.lang }))}"${l === p.list ? ' aria-current="page"' : ''}>${esc(t(l))}</a>`).join('');
  const years = Array.from({ length: 8 }, (_, i) => String(p.year - i)).map((y): [string, string] => [y, y]);
  const form = `<form method="get" action="/public/lists/${p.list}" role="search">
    ${q.lang ? `<input type="hidden" name="lang" value="${esc(q.lang)}">` : ''}
    <label class="q">${esc(t('search'))}<input type="search" name="q" value="${esc(q.q)}" maxlength="60"></label>
    ${select('year', t('year'), q.year, years, t('any'))}
    ${select('county', t('county'), q.county, p.counties.map((c): [string, string] => [c.code, c.name]), t('any'))}
    ${select('dimension', t('dimension'), q.dimension, DIMENSIONS.map((d): [string, string] => [d, p.lang === 'zh' ? DIMENSION_NAMES[d] : d]), t('any'))}
    ${p.list === 'yellow' || p.list === 'sanctions' ? select('state', t('show'), q.state, [['current', t('current')], ['removed', t('removed')], ['all', t('all')]], null) : ''}
    <button type="submit">${esc(t('find'))}</button></form>`;
  const head = ['name', 'uscc', 'basis', 'department', 'listedOn', 'removedOn', 'detail'].map((k) => `<th scope="col">${esc(t(k as TextKey))}</th>`).join('');
  const table = p.items.length
    ? `<table data-testid="entries"><thead><tr>${head}</tr></thead><tbody>${p.items.map((i) => row(p, i)).join('')}</tbody></table>`
    : `<p class="none">${esc(t('none'))}</p>`;
  const paging = [q.cursor ? `<a href="${esc(href(page, keep))}">${esc(t('first'))}</a>` : '', p.nextCursor ? `<a rel="next" href="${esc(href(page, keep, { cursor: p.nextCursor }))}">${esc(t('next'))}</a>` : '']
    .filter(Boolean)
    .join(' ');
  const data = { ...keep, lang: undefined };
  const other = p.lang === 'zh' ? 'en' : undefined;
  return `<!doctype html>
<html lang="${p.lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(t(p.list))} · ${esc(t('site', { city: p.city }))}</title><style>${SITE_CSS}</style></head>
<body><header><p class="site">${esc(t('site', { city: p.city }))}</p><a class="lang" href="${esc(href(page, { ...q, lang: other }))}" hreflang="${other ?? 'zh'}">${esc(t('other'))}</a></header>
<nav>${nav}</nav><main><h1>${esc(t(p.list))}</h1><p class="about">${esc(t(ABOUT[p.list]))}</p>${form}${table}
<p class="paging">${paging}</p><p class="data">${esc(t('download'))}: <a href="${esc(href(`/v1/public/lists/${p.list}`, data))}">JSON</a> · <a href="${esc(href(`/v1/public/lists/${p.list}`, { ...data, format: 'csv' }))}">CSV</a></p>
${p.list === 'sanctions' ? verification(p) : ''}</main></body></html>`;
}
