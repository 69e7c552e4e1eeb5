import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { Badge, Confirm, Field, Notice, Pager, Status, TargetName, TargetSelect, useCtx, useLoad, usePager } from '../ui.js';

const COUNTS = ['matched', 'missingRemote', 'staleRemote', 'revokedLocally', 'unknownRemote'];
const RUNNING = ['queued', 'pending', 'running'];
const startedOf = (r) => r.startedAt || r.createdAt || r.requestedAt;

function Unavailable({ error }) {
  const { t } = useCtx();
  return html`<p class="error" role="alert">${t('reconNotAvailable', { msg: `${error.message} (HTTP ${error.status ?? '?'})` })}</p>`;
}

export function Reconciliations() {
  const { t, time } = useCtx();
  const pager = usePager('');
  const list = useLoad(() => api('GET', `/v1/ops/reconciliations${query({ cursor: pager.cursor })}`), [pager.cursor]);
  const [target, setTarget] = useState('credit-platform');
  const [ask, setAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const items = list.data?.items ?? [];

  const run = async () => {
    setBusy(true);
    try {
      const report = await api('POST', '/v1/ops/reconciliations', { target });
      location.hash = `#/reconciliations/${encodeURIComponent(report.id)}`;
    } catch (e) {
      setNotice({ kind: 'error', text: t('error', { msg: e.message }) });
    }
    setBusy(false);
    setAsk(false);
  };

  return html`<section>
    <h1>${t('navReconciliations')}</h1>
    <form class="filters" onSubmit=${(e) => (e.preventDefault(), setAsk(true))}>
      <${Field} label=${t('target')}><${TargetSelect} value=${target} onChange=${setTarget} /><//>
      <div class="buttons"><button type="submit" class="primary">${t('runNow')}</button></div>
    </form>
    <${Notice} kind=${notice?.kind}>${notice?.text}<//>
    ${list.error ? html`<${Unavailable} error=${list.error} />` : html`<${Status} loading=${list.loading && !list.data} empty=${list.data && !items.length} />`}
    ${items.length > 0 &&
    html`<table class="grid" data-testid="reconciliations">
      <thead><tr><th>${t('started')}</th><th>${t('target')}</th><th>${t('status')}</th>${COUNTS.map((c) => html`<th>${t(c)}</th>`)}</tr></thead>
      <tbody>${items.map(
        (r) => html`<tr key=${r.id}>
          <td><a href=${`#/reconciliations/${encodeURIComponent(r.id)}`}>${time.format(startedOf(r))}</a></td>
          <td><${TargetName} id=${r.target} /></td><td><${Badge} value=${r.status} /></td>
          ${COUNTS.map((c) => html`<td>${r.counts?.[c] ?? '—'}</td>`)}
        </tr>`,
      )}</tbody>
    </table>
    <${Pager} pager=${pager} nextCursor=${list.data?.nextCursor} />`}
    ${ask &&
    html`<${Confirm} title=${t('runNow')} busy=${busy} onCancel=${() => setAsk(false)} onConfirm=${run}>
      <p>${t('confirmReconcile', { target: target === 'credit-platform' ? t('platform') : target })}</p>
    <//>`}
  </section>`;
}

export function ReconciliationReport({ id }) {
  const { t, time } = useCtx();
  const report = useLoad(() => api('GET', `/v1/ops/reconciliations/${encodeURIComponent(id)}`), [id]);
  const r = report.data;
  useEffect(() => {
    if (!r || !RUNNING.includes(r.status)) return;
    const timer = setTimeout(report.reload, 1500);
    return () => clearTimeout(timer);
  }, [r]);
  const items = Array.isArray(r?.items) ? r.items : [];
  // The items' shape belongs to the reconciliation API; show whatever fields it gives.
  const columns = [...new Set(items.flatMap((i) => Object.keys(i)))];
  const cell = (v) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

  return html`<section>
    <p><a href="#/reconciliations">← ${t('back')}</a></p>
    <h1>${t('report')} <span class="mono small">${id}</span></h1>
    ${report.error ? html`<${Unavailable} error=${report.error} />` : html`<${Status} loading=${report.loading && !r} />`}
    ${r &&
    html`<dl class="facts">
        <dt>${t('target')}</dt><dd><${TargetName} id=${r.target} /></dd>
        <dt>${t('status')}</dt><dd><${Badge} value=${r.status} /></dd>
        <dt>${t('started')}</dt><dd>${time.format(startedOf(r))}</dd>
        <dt>${t('finished')}</dt><dd>${time.format(r.finishedAt)}</dd>
        ${COUNTS.map((c) => html`<dt>${t(c)}</dt><dd>${r.counts?.[c] ?? '—'}</dd>`)}
      </dl>
      <h2>${t('items')} (${items.length})</h2>
      ${items.length
        ? html`<table class="grid"><thead><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead>
            <tbody>${items.map((i, n) => html`<tr key=${n}>${columns.map((c) => html`<td class="mono">${/At$/.test(c) && i[c] ? time.format(i[c]) : cell(i[c])}</td>`)}</tr>`)}</tbody></table>`
        : html`<p class="muted">${t('none')}</p>`}`}
  </section>`;
}
