import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useCtx } from '../ui.js';

/** Follows a bulk job until it is done or failed. */
export function BulkProgress({ jobId, onDone }) {
  const { t } = useCtx();
  const [job, setJob] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let timer;
    let live = true;
    const poll = async () => {
      try {
        const j = await api('GET', `/v1/ops/jobs/${jobId}`);
        if (!live) return;
        setJob(j);
        if (j.status === 'done' || j.status === 'failed') return onDone?.();
      } catch (e) {
        if (live) setError(e);
        return;
      }
      timer = setTimeout(poll, 1000);
    };
    poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [jobId]);
  if (error) return html`<p class="error" role="alert">${t('error', { msg: error.message })}</p>`;
  const total = job?.total ?? 0;
  const done = job?.processed ?? 0;
  return html`<div class="progress" data-testid="bulk-progress" data-status=${job?.status || 'queued'}>
    <progress max=${Math.max(total, 1)} value=${job?.status === 'done' && !total ? 1 : done}></progress>
    <span>${t('jobProgress', { status: job?.status || 'queued', done, total: job?.total ?? '?' })}</span>
    ${job?.error && html`<span class="error">${job.error}</span>`}
  </div>`;
}
