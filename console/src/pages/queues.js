import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useCtx } from '../ui.js';

const DASHBOARD = '/ops/queues/';

/** Renews the dashboard's cookie (the key cannot travel with the dashboard's own requests), then shows it. */
export function Queues() {
  const { t } = useCtx();
  const [state, setState] = useState({ ready: false, error: null });
  useEffect(() => {
    api('POST', '/v1/console/session').then(
      () => setState({ ready: true, error: null }),
      (error) => setState({ ready: false, error }),
    );
  }, []);
  return html`<section>
    <h1>${t('navQueues')}</h1>
    <p class="muted">${t('queuesHint')} ${state.ready && html`<a href=${DASHBOARD} target="_blank" rel="noopener">${t('openNewTab')}</a>`}</p>
    ${state.error && html`<p class="error" role="alert">${t('error', { msg: state.error.message })}</p>`}
    ${state.ready ? html`<iframe class="dashboard" title=${t('navQueues')} src=${DASHBOARD}></iframe>` : !state.error && html`<p class="muted">${t('loading')}</p>`}
  </section>`;
}
