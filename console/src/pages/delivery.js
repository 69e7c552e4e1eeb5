import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Badge, Confirm, Field, Json, Notice, Status, TargetName, useCtx, useLoad } from '../ui.js';

const RETRYABLE = ['dead', 'failed', 'cancelled', 'pending'];
const CANCELLABLE = ['pending', 'failed', 'dead'];
const MOVING = ['pending', 'in_flight'];

export function DeliveryDetail({ id }) {
  const { t, time } = useCtx();
  const detail = useLoad(() => api('GET', `/v1/ops/deliveries/${encodeURIComponent(id)}`), [id]);
  const [ask, setAsk] = useState(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const d = detail.data;

  // While the engine may still be working on it, keep the page current so the outcome shows by itself.
  useEffect(() => {
    if (!d || !MOVING.includes(d.status)) return;
    const timer = setTimeout(detail.reload, 1000);
    return () => clearTimeout(timer);
  }, [d]);

  const act = async (action) => {
    setBusy(true);
    try {
      if (action === 'retry') await api('POST', `/v1/ops/deliveries/${id}/retry`);
      else await api('POST', `/v1/ops/deliveries/${id}/cancel`, { reason: reason.trim() });
      setNotice({ kind: 'ok', text: t(action === 'retry' ? 'retried' : 'cancelled') });
    } catch (e) {
      setNotice({ kind: 'error', text: t('error', { msg: e.message }) });
    }
    setBusy(false);
    setAsk(null);
    setReason('');
    detail.reload();
  };

  return html`<section>
    <p><a href="#/failures">← ${t('back')}</a></p>
    <h1>${t('delivery')} <span class="mono small">${id}</span></h1>
    <${Status} loading=${detail.loading && !d} error=${detail.error} />
    <${Notice} kind=${notice?.kind}>${notice?.text}<//>
    ${d &&
    html`
      <dl class="facts" data-testid="delivery-facts">
        <dt>${t('status')}</dt><dd data-testid="delivery-status"><${Badge} value=${d.status} /></dd>
        <dt>${t('target')}</dt><dd><${TargetName} id=${d.target} /></dd>
        <dt>${t('record')}</dt><dd class="mono">${d.recordId}</dd>
        <dt>${t('version')}</dt><dd>${d.version}</dd>
        <dt>${t('event')}</dt><dd>${d.event}</dd>
        <dt>${t('created')}</dt><dd>${time.format(d.createdAt)}</dd>
        <dt>${t('nextAttempt')}</dt><dd>${time.format(d.nextAttemptAt)}</dd>
        <dt>${t('deliveredAt')}</dt><dd>${time.format(d.deliveredAt)}</dd>
        <dt>${t('finalReason')}</dt><dd>${d.finalReason || '—'}</dd>
      </dl>
      <div class="toolbar">
        <button type="button" class="primary" disabled=${!RETRYABLE.includes(d.status)} onClick=${() => setAsk('retry')}>${t('retry')}</button>
        <button type="button" class="danger" disabled=${!CANCELLABLE.includes(d.status)} onClick=${() => setAsk('cancel')}>${t('cancelDelivery')}</button>
      </div>

      <h2>${t('attemptsTitle')} (${d.attempts.length})</h2>
      ${d.attempts.length
        ? html`<table class="grid" data-testid="attempts">
            <thead><tr><th>#</th><th>${t('at')}</th><th>${t('duration')}</th><th>${t('httpStatus')}</th><th>${t('outcome')}</th><th>${t('lastError')}</th><th>${t('response')}</th></tr></thead>
            <tbody>${d.attempts.map(
              (a) => html`<tr key=${a.attempt}>
                <td>${a.attempt}</td><td>${time.format(a.at)}</td><td>${a.durationMs}</td><td>${a.httpStatus ?? '—'}</td>
                <td><${Badge} value=${a.outcome} /></td><td>${a.error || '—'}</td><td><pre class="snippet">${a.responseSnippet || ''}</pre></td>
              </tr>`,
            )}</tbody>
          </table>`
        : html`<p class="muted">${t('none')}</p>`}

      <h2>${t('signedRecord')}</h2>
      ${d.record
        ? html`<${Json} value=${d.record.record} /><h3>${t('jws')}</h3><pre class="jws" data-testid="jws">${d.record.jws}</pre>`
        : html`<p class="muted">${t('noRecord')}</p>`}
    `}
    ${ask === 'retry' &&
    html`<${Confirm} title=${t('retry')} busy=${busy} onCancel=${() => setAsk(null)} onConfirm=${() => act('retry')}><p>${t('confirmRetry')}</p><//>`}
    ${ask === 'cancel' &&
    html`<${Confirm} title=${t('cancelDelivery')} busy=${busy} disabled=${!reason.trim()} onCancel=${() => setAsk(null)} onConfirm=${() => act('cancel')}>
      <p>${t('confirmCancel')}</p>
      <${Field} label=${t('reason')}><textarea rows="3" maxlength="500" data-testid="cancel-reason" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)}></textarea><//>
    <//>`}
  </section>`;
}
