import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Confirm, Field, Notice, Status, useCtx, useLoad } from '../ui.js';

const COUNTS = ['examined', 'notified', 'sanctioned', 'flagged', 'dismantlingOverdue', 'revoked', 'expired', 'deliveries'];

function Counts({ counts }) {
  if (!counts) return html`<span class="muted">—</span>`;
  return html`<span class="counts">${COUNTS.filter((c) => c in counts).map((c) => html`<span>${c} <b>${counts[c]}</b></span>`)}</span>`;
}

/** What a dry run would act on: the first obligations, by action. */
function Preview({ result }) {
  const { t } = useCtx();
  return html`<div>
    <${Counts} counts=${result} />
    ${result.affected.length > 0 &&
    html`<table class="grid" data-testid="sweep-preview">
      <thead><tr><th>${t('action')}</th><th>${t('obligation')}</th><th>USCC</th></tr></thead>
      <tbody>${result.affected.map((a) => html`<tr key=${a.action + a.obligationId}><td>${a.action}</td><td class="mono">${a.obligationId}</td><td class="mono">${a.uscc}</td></tr>`)}</tbody>
    </table>`}
    ${result.affectedTruncated && html`<p class="muted">${t('previewMore', { n: result.affected.length })}</p>`}
  </div>`;
}

export function Sweeps() {
  const { t, time } = useCtx();
  const list = useLoad(() => api('GET', '/v1/ops/sweeps'), []);
  const [asOf, setAsOf] = useState('');
  const [dryRun, setDryRun] = useState(false);
  const [ask, setAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const items = list.data?.items ?? [];

  const run = async (preview) => {
    setBusy(true);
    try {
      const body = { ...(asOf ? { asOf: time.toInstant(asOf) } : {}), ...(preview ? { dryRun: true } : {}) };
      const result = await api('POST', '/v1/ops/sweeps', body);
      setNotice(
        preview
          ? { kind: 'ok', text: html`${t('previewDone')}<${Preview} result=${result} />` }
          : { kind: 'ok', text: html`${t('sweepDone')}<${Counts} counts=${result} />` },
      );
    } catch (e) {
      setNotice({ kind: 'error', text: t('error', { msg: e.message }) });
    }
    setBusy(false);
    setAsk(false);
    if (!preview) list.reload();
  };

  return html`<section>
    <h1>${t('navSweeps')}</h1>
    <form class="filters" onSubmit=${(e) => (e.preventDefault(), dryRun ? run(true) : setAsk(true))}>
      <${Field} label=${t('asOf')}><input type="datetime-local" data-testid="as-of" value=${asOf} onInput=${(e) => setAsOf(e.currentTarget.value)} /><//>
      <label><input type="checkbox" data-testid="dry-run" checked=${dryRun} onChange=${(e) => setDryRun(e.currentTarget.checked)} /> ${t('dryRun')}</label>
      <div class="buttons"><button type="submit" class="primary">${t('runNow')}</button></div>
    </form>
    <${Notice} kind=${notice?.kind}>${notice?.text}<//>
    <${Status} loading=${list.loading && !list.data} error=${list.error} empty=${list.data && !items.length} />
    ${items.length > 0 &&
    html`<table class="grid" data-testid="sweeps">
      <thead><tr><th>${t('started')}</th><th>${t('finished')}</th><th>${t('asOfColumn')}</th><th>${t('trigger')}</th><th>${t('counts')}</th><th>${t('lastError')}</th></tr></thead>
      <tbody>${items.map(
        (s) => html`<tr key=${s.id}>
          <td>${time.format(s.startedAt)}</td><td>${time.format(s.finishedAt)}</td><td>${time.format(s.asOf)}</td>
          <td>${s.trigger}</td><td><${Counts} counts=${s.counts} /></td><td>${s.error || '—'}</td>
        </tr>`,
      )}</tbody>
    </table>`}
    ${ask &&
    html`<${Confirm} title=${t('runNow')} busy=${busy} onCancel=${() => setAsk(false)} onConfirm=${() => run(false)}>
      <p>${t('confirmSweep')}</p>${asOf && html`<p class="mono">asOf ${time.toInstant(asOf)}</p>`}
    <//>`}
  </section>`;
}
