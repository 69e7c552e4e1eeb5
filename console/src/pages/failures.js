import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { Badge, Confirm, Field, Json, Notice, Pager, Status, TargetName, TargetSelect, useCtx, useLoad, usePager } from '../ui.js';
import { BulkProgress } from './bulk-progress.js';

const VIEWS = [
  ['failed', 'viewFailed'],
  ['dead', 'viewDead'],
  ['stuck', 'viewStuck'],
  ['problems', 'viewProblems'],
];
const EMPTY = { view: 'problems', target: '', since: '', until: '', httpStatus: '', error: '', stuckMinutes: '30' };

/** The API filter the form stands for; "stuck" is pending and created before now minus N minutes. */
function toFilter(f, time) {
  const status = { failed: ['failed'], dead: ['dead'], stuck: ['pending'], problems: ['failed', 'dead'] }[f.view];
  let until = time.toInstant(f.until);
  if (f.view === 'stuck') {
    const cutoff = new Date(time.now() - Number(f.stuckMinutes || 0) * 60_000).toISOString();
    if (!until || Date.parse(cutoff) < Date.parse(until)) until = cutoff;
  }
  return {
    status,
    target: f.target || undefined,
    since: time.toInstant(f.since),
    until,
    httpStatus: f.httpStatus ? Number(f.httpStatus) : undefined,
    error: f.error.trim() || undefined,
  };
}

export function Failures({ initialTarget }) {
  const { t, time } = useCtx();
  const [form, setForm] = useState({ ...EMPTY, target: initialTarget || '' });
  const [applied, setApplied] = useState(form);
  const filter = toFilter(applied, time);
  const key = JSON.stringify(applied);
  const pager = usePager(key);
  const list = useLoad(() => api('GET', `/v1/ops/deliveries${query({ ...filter, status: filter.status.join(','), cursor: pager.cursor, limit: 50 })}`), [key, pager.cursor]);
  const [selected, setSelected] = useState(new Set());
  const [ask, setAsk] = useState(null);
  const [notice, setNotice] = useState(null);
  const [jobId, setJobId] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setSelected(new Set()), [key, pager.cursor]);

  const set = (field) => (e) => setForm({ ...form, [field]: e.currentTarget ? e.currentTarget.value : e });
  const items = list.data?.items ?? [];
  const toggle = (id) => {
    const s = new Set(selected);
    s.has(id) ? s.delete(id) : s.add(id);
    setSelected(s);
  };

  const retrySelected = async () => {
    setBusy(true);
    let ok = 0;
    const bad = [];
    for (const id of selected) {
      try {
        await api('POST', `/v1/ops/deliveries/${id}/retry`);
        ok++;
      } catch (e) {
        bad.push(`${id.slice(0, 8)}: ${e.message}`);
      }
    }
    setBusy(false);
    setAsk(null);
    setNotice({ kind: bad.length ? 'error' : 'ok', text: `${t('retriedSome', { ok, bad: bad.length })} ${bad.join('; ')}` });
    list.reload();
  };

  const retryMatching = async () => {
    setBusy(true);
    try {
      const { jobId } = await api('POST', '/v1/ops/deliveries:retry', { filter: bulkFilter(filter) });
      setJobId(jobId);
      setNotice(null);
    } catch (e) {
      setNotice({ kind: 'error', text: t('error', { msg: e.message }) });
    }
    setBusy(false);
    setAsk(null);
  };

  return html`<section>
    <h1>${t('navFailures')}</h1>
    <form class="filters" onSubmit=${(e) => (e.preventDefault(), setApplied(form))}>
      <${Field} label=${t('view')}>
        <select data-testid="view" value=${form.view} onChange=${set('view')}>${VIEWS.map(([v, l]) => html`<option value=${v}>${t(l)}</option>`)}</select>
      <//>
      ${form.view === 'stuck' && html`<${Field} label=${t('stuckMinutes')}><input type="number" min="0" value=${form.stuckMinutes} onInput=${set('stuckMinutes')} /><//>`}
      <${Field} label=${t('target')}><${TargetSelect} allowAny value=${form.target} onChange=${set('target')} /><//>
      <${Field} label=${t('since')}><input type="datetime-local" value=${form.since} onInput=${set('since')} /><//>
      <${Field} label=${t('until')}><input type="datetime-local" value=${form.until} onInput=${set('until')} /><//>
      <${Field} label=${t('httpStatus')}><input type="number" min="100" max="599" data-testid="http-status" value=${form.httpStatus} onInput=${set('httpStatus')} /><//>
      <${Field} label=${t('errorText')}><input type="search" data-testid="error-text" value=${form.error} onInput=${set('error')} /><//>
      <div class="buttons">
        <button type="submit" class="primary">${t('apply')}</button>
        <button type="button" onClick=${() => (setForm(EMPTY), setApplied(EMPTY))}>${t('reset')}</button>
      </div>
    </form>

    <div class="toolbar">
      <button type="button" disabled=${!selected.size} onClick=${() => setAsk('selected')}>${t('retrySelected', { n: selected.size })}</button>
      <button type="button" disabled=${applied.view === 'stuck'} title=${applied.view === 'stuck' ? t('bulkNotPending') : ''} onClick=${() => setAsk('matching')}>${t('retryMatching')}</button>
      <button type="button" onClick=${list.reload}>${t('refresh')}</button>
    </div>
    <${Notice} kind=${notice?.kind}>${notice?.text}<//>
    ${jobId && html`<${BulkProgress} jobId=${jobId} onDone=${list.reload} />`}

    <${Status} loading=${list.loading && !list.data} error=${list.error} empty=${list.data && !items.length} />
    ${items.length > 0 &&
    html`<table class="grid" data-testid="deliveries">
      <thead><tr>
        <th><input type="checkbox" aria-label=${t('selectAll')} checked=${items.every((d) => selected.has(d.id))}
          onChange=${(e) => setSelected(e.currentTarget.checked ? new Set(items.map((d) => d.id)) : new Set())} /></th>
        <th>${t('created')}</th><th>${t('target')}</th><th>${t('record')}</th><th>${t('event')}</th><th>${t('status')}</th>
        <th>${t('attempts')}</th><th>${t('httpStatus')}</th><th>${t('lastError')}</th><th>${t('nextAttempt')}</th>
      </tr></thead>
      <tbody>${items.map(
        (d) => html`<tr key=${d.id} data-delivery=${d.id}>
          <td><input type="checkbox" aria-label=${`${t('select')} ${d.id}`} checked=${selected.has(d.id)} onChange=${() => toggle(d.id)} /></td>
          <td><a href=${`#/deliveries/${d.id}`}>${time.format(d.createdAt)}</a></td>
          <td><${TargetName} id=${d.target} /></td>
          <td class="mono">${d.recordId} v${d.version}</td>
          <td>${d.event}</td>
          <td><${Badge} value=${d.status} /></td>
          <td>${d.attempts}</td>
          <td>${d.lastHttpStatus ?? '—'}</td>
          <td class="clip" title=${d.lastError || ''}>${d.lastError || d.finalReason || '—'}</td>
          <td>${time.format(d.nextAttemptAt)}</td>
        </tr>`,
      )}</tbody>
    </table>
    <${Pager} pager=${pager} nextCursor=${list.data?.nextCursor} />`}

    ${ask === 'selected' &&
    html`<${Confirm} title=${t('retrySelected', { n: selected.size })} busy=${busy} onCancel=${() => setAsk(null)} onConfirm=${retrySelected}>
      <p>${t('confirmRetrySelected', { n: selected.size })}</p>
    <//>`}
    ${ask === 'matching' &&
    html`<${Confirm} title=${t('retryMatching')} busy=${busy} onCancel=${() => setAsk(null)} onConfirm=${retryMatching}>
      <p>${t('confirmRetryMatching')}</p><${Json} value=${bulkFilter(filter)} />
    <//>`}
  </section>`;
}

function bulkFilter(f) {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));
}
