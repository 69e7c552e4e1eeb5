import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Confirm, Field, Notice, Status, useCtx, useLoad } from '../ui.js';

const COUNTS = ['examined', 'notified', 'sanctioned', 'flagged', 'revoked', 'expired', 'deliveries'];

function Counts({ counts }) {
  if (!counts) return html`<span class="muted">—</span>`;
  return html`<span class="counts">${COUNTS.filter((c) => c in counts).map((c) => html`<span>${c} <b>${counts[c]}</b></span>`)}</span>`;
}

export function Sweeps() {
  const { t, time } = useCtx();
  const list = useLoad(() => api('GET', '/v1/ops/sweeps'), []);
  const [asOf, setAsOf] = useState('');
  const [ask, setAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const items = list.data?.items ?? [];

  const run = async () => {
    setBusy(true);
    try {
      const result = await api('POST', '/v1/ops/sweeps', asOf ? { asOf: time.toInstant(asOf) } : {});
      setNotice({ kind: 'ok', text: html`${t('sweepDone')}<${Counts} counts=${result} />` });
    } catch (e) {
      setNotice({ kind: 'error', text: t('error', { msg: e.message }) });
    }
    setBusy(false);
    setAsk(false);
    list.reload();
  };

  return html`<section>
    <h1>${t('navSweeps')}</h1>
    <form class="filters" onSubmit=${(e) => (e.preventDefault(), setAsk(true))}>
      <${Field} label=${t('asOf')}><input type="datetime-local" data-testid="as-of" value=${asOf} onInput=${(e) => setAsOf(e.currentTarget.value)} /><//>
      <div class="buttons"><button type="submit" class="primary">${t('runNow')}</button></div>
    </form>
    <${Notice} kind=${notice?.kind}>${notice?.text}<//>
    <${Status} loading=${list.loading && !list.data} error=${list.error} empty=${list.data && !items.length} />
    ${items.length > 0 &&
    html`<table class="grid" data-testid="sweeps">
      <thead><tr><th>${t('started')}</th><th>${t('finished')}</th><th>${t('asOf')}</th><th>${t('trigger')}</th><th>${t('counts')}</th><th>${t('lastError')}</th></tr></thead>
      <tbody>${items.map(
        (s) => html`<tr key=${s.id}>
          <td>${time.format(s.startedAt)}</td><td>${time.format(s.finishedAt)}</td><td>${time.format(s.asOf)}</td>
          <td>${s.trigger}</td><td><${Counts} counts=${s.counts} /></td><td>${s.error || '—'}</td>
        </tr>`,
      )}</tbody>
    </table>`}
    ${ask &&
    html`<${Confirm} title=${t('runNow')} busy=${busy} onCancel=${() => setAsk(false)} onConfirm=${run}>
      <p>${t('confirmSweep')}</p>${asOf && html`<p class="mono">asOf ${time.toInstant(asOf)}</p>`}
    <//>`}
  </section>`;
}
