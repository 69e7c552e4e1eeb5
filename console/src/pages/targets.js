import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Badge, Confirm, Notice, Status, TargetName, useCtx, useLoad } from '../ui.js';

export function Targets() {
  const { t, time, who, refreshTargets } = useCtx();
  const list = useLoad(() => api('GET', '/v1/ops/targets'), []);
  const [ask, setAsk] = useState(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const items = list.data?.items ?? [];

  // Subscriptions are admin business; an operator's attempt is refused by the API and explained here.
  const change = async () => {
    const { target, agency, state } = ask;
    setBusy(true);
    try {
      await api('PATCH', `/v1/subscriptions/${target}`, { state });
      setNotice({ kind: 'ok', text: t('stateChanged', { name: agency, state }) });
      refreshTargets();
    } catch (e) {
      setNotice({ kind: 'error', text: e.status === 403 ? t('adminOnly') : t('error', { msg: e.message }) });
    }
    setBusy(false);
    setAsk(null);
    list.reload();
  };

  const age = (iso) => {
    if (!iso) return '';
    const minutes = Math.max(0, Math.round((time.now() - Date.parse(iso)) / 60000));
    return minutes < 120 ? ` (${minutes} min)` : ` (${Math.round(minutes / 60)} h)`;
  };

  return html`<section>
    <h1>${t('navTargets')}</h1>
    ${who.role !== 'admin' && html`<p class="muted">${t('adminOnlyHint')}</p>`}
    <${Notice} kind=${notice?.kind}>${notice?.text}<//>
    <${Status} loading=${list.loading && !list.data} error=${list.error} empty=${list.data && !items.length} />
    ${items.length > 0 &&
    html`<table class="grid" data-testid="targets">
      <thead><tr>
        <th>${t('target')}</th><th>${t('state')}</th><th>${t('circuit')}</th><th>${t('failuresInRow')}</th>
        <th>${t('successRate')}</th><th>${t('oldestPending')}</th><th>${t('disabledSince')}</th><th></th>
      </tr></thead>
      <tbody>${items.map(
        (x) => html`<tr key=${x.target} data-target=${x.target}>
          <td><${TargetName} id=${x.target} /></td>
          <td>${x.state ? html`<${Badge} value=${x.state} />` : '—'}</td>
          <td><${Badge} value=${x.circuit} /></td>
          <td>${x.consecutiveFailures}</td>
          <td>${x.successRate24h === null ? '—' : `${(x.successRate24h * 100).toFixed(1)}%`} <span class="muted">(${x.delivered24h}/${x.delivered24h + x.failed24h})</span></td>
          <td>${time.format(x.oldestPendingAt)}${age(x.oldestPendingAt)}</td>
          <td>${time.format(x.disabledAt)}</td>
          <td class="actions">
            <a href=${`#/failures?target=${encodeURIComponent(x.target)}`}>${t('showFailures')}</a>
            ${x.state && x.state !== 'active' && html`<button type="button" onClick=${() => setAsk({ target: x.target, agency: x.agency, state: 'active' })}>${t('enable')}</button>`}
            ${x.state && x.state !== 'disabled' && html`<button type="button" class="danger" onClick=${() => setAsk({ target: x.target, agency: x.agency, state: 'disabled' })}>${t('disable')}</button>`}
          </td>
        </tr>`,
      )}</tbody>
    </table>`}
    ${ask &&
    html`<${Confirm} title=${t(ask.state === 'active' ? 'enable' : 'disable')} busy=${busy} onCancel=${() => setAsk(null)} onConfirm=${change}>
      <p>${t(ask.state === 'active' ? 'confirmEnable' : 'confirmDisable', { name: ask.agency })}</p>
    <//>`}
  </section>`;
}
