import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { Field, Json, Pager, Status, useCtx, useLoad, usePager } from '../ui.js';

const EMPTY = { action: '', subjectType: '', subjectId: '', since: '', until: '' };

export function Audit() {
  const { t, time } = useCtx();
  const [form, setForm] = useState(EMPTY);
  const [applied, setApplied] = useState(EMPTY);
  const key = JSON.stringify(applied);
  const pager = usePager(key);
  const list = useLoad(
    () =>
      api('GET', `/v1/ops/audit${query({
        action: applied.action.trim(),
        subjectType: applied.subjectType.trim(),
        subjectId: applied.subjectId.trim(),
        since: time.toInstant(applied.since),
        until: time.toInstant(applied.until),
        cursor: pager.cursor,
        limit: 50,
      })}`),
    [key, pager.cursor],
  );
  const items = list.data?.items ?? [];
  const set = (field) => (e) => setForm({ ...form, [field]: e.currentTarget.value });

  return html`<section>
    <h1>${t('navAudit')}</h1>
    <form class="filters" onSubmit=${(e) => (e.preventDefault(), setApplied(form))}>
      <${Field} label=${t('action')}><input data-testid="audit-action" placeholder="delivery.retry" value=${form.action} onInput=${set('action')} /><//>
      <${Field} label=${t('subjectType')}><input placeholder="delivery" value=${form.subjectType} onInput=${set('subjectType')} /><//>
      <${Field} label=${t('subjectId')}><input value=${form.subjectId} onInput=${set('subjectId')} /><//>
      <${Field} label=${t('since')}><input type="datetime-local" value=${form.since} onInput=${set('since')} /><//>
      <${Field} label=${t('until')}><input type="datetime-local" value=${form.until} onInput=${set('until')} /><//>
      <div class="buttons">
        <button type="submit" class="primary">${t('apply')}</button>
        <button type="button" onClick=${() => (setForm(EMPTY), setApplied(EMPTY))}>${t('reset')}</button>
      </div>
    </form>
    <${Status} loading=${list.loading && !list.data} error=${list.error} empty=${list.data && !items.length} />
    ${items.length > 0 &&
    html`<table class="grid" data-testid="audit">
      <thead><tr><th>${t('at')}</th><th>${t('who')}</th><th>${t('action')}</th><th>${t('subject')}</th><th>${t('before')}</th><th>${t('after')}</th><th>${t('details')}</th></tr></thead>
      <tbody>${items.map(
        (a) => html`<tr key=${a.id}>
          <td>${time.format(a.at)}</td>
          <td>${a.actor.name}</td>
          <td class="mono">${a.action}</td>
          <td class="mono">${a.subjectType}${a.subjectId ? ' ' : ''}${
            a.subjectType === 'delivery' && a.subjectId ? html`<a href=${`#/deliveries/${a.subjectId}`}>${a.subjectId}</a>` : a.subjectId || ''
          }</td>
          <td><${Json} zoned value=${a.before} /></td><td><${Json} zoned value=${a.after} /></td><td><${Json} zoned value=${a.details} /></td>
        </tr>`,
      )}</tbody>
    </table>
    <${Pager} pager=${pager} nextCursor=${list.data?.nextCursor} />`}
  </section>`;
}
