import { createContext } from 'preact';
import { html } from 'htm/preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';

/** What every page needs: t (labels), time (zone-aware formatting), settings, who is signed in, targets' names. */
export const Ctx = createContext(null);
export const useCtx = () => useContext(Ctx);

/** Runs `load` when `deps` change; `reload` runs it again. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ loading: true, data: null, error: null });
  const run = useCallback(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => live && setState({ loading: false, data, error: null }),
      (error) => live && setState({ loading: false, data: null, error }),
    );
    return () => (live = false);
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

export function Status({ loading, error, empty }) {
  const { t } = useCtx();
  if (error) return html`<p class="error" role="alert">${t('error', { msg: error.message })}</p>`;
  if (loading) return html`<p class="muted">${t('loading')}</p>`;
  if (empty) return html`<p class="muted">${t('none')}</p>`;
  return null;
}

export function Notice({ kind = 'ok', children }) {
  return children ? html`<p class=${`notice ${kind}`} role=${kind === 'error' ? 'alert' : 'status'}>${children}</p>` : null;
}

/** A modal question; nothing changes until Confirm is pressed. `disabled` holds Confirm back (e.g. no reason yet). */
export function Confirm({ title, children, onConfirm, onCancel, disabled, busy }) {
  const { t } = useCtx();
  useEffect(() => {
    const onKey = (e) => e.key === 'Escape' && onCancel();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [onCancel]);
  return html`<div class="backdrop">
    <div class="dialog" role="dialog" aria-modal="true" aria-label=${title}>
      <h2>${title}</h2>
      ${children}
      <div class="actions">
        <button type="button" onClick=${onCancel}>${t('cancel')}</button>
        <button type="button" class="primary" data-testid="confirm" disabled=${disabled || busy} onClick=${onConfirm}>${t('confirm')}</button>
      </div>
    </div>
  </div>`;
}

/** Keyset paging: remembers the cursors of the pages seen so that Previous works. */
export function usePager(resetKey) {
  const [cursors, setCursors] = useState([undefined]);
  useEffect(() => setCursors([undefined]), [resetKey]);
  const index = cursors.length - 1;
  return {
    cursor: cursors[index],
    index,
    next: (c) => setCursors((cs) => [...cs, c]),
    prev: () => setCursors((cs) => (cs.length > 1 ? cs.slice(0, -1) : cs)),
  };
}

export function Pager({ pager, nextCursor }) {
  const { t } = useCtx();
  return html`<div class="pager">
    <button type="button" disabled=${pager.index === 0} onClick=${pager.prev}>${t('prev')}</button>
    <span>${t('page', { n: pager.index + 1 })}</span>
    <button type="button" disabled=${!nextCursor} onClick=${() => pager.next(nextCursor)}>${t('next')}</button>
  </div>`;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Pretty JSON; `zoned` shows UTC instants in the jurisdiction's zone (never for signed content, shown as signed). */
export function Json({ value, zoned }) {
  const { time } = useCtx();
  if (value === null || value === undefined) return html`<span class="muted">—</span>`;
  const replacer = zoned ? (_k, v) => (typeof v === 'string' && INSTANT.test(v) ? time.format(v) : v) : undefined;
  return html`<pre class="json">${JSON.stringify(value, replacer, 2)}</pre>`;
}

export function TargetName({ id }) {
  const { t, targetNames } = useCtx();
  if (id === 'credit-platform') return html`<span title=${id}>${t('platform')}</span>`;
  const name = targetNames[id];
  return html`<span title=${id}>${name || id}</span>`;
}

export function Badge({ value }) {
  return html`<span class=${`badge s-${value}`}>${value}</span>`;
}

export function Field({ label, children }) {
  return html`<label class="field"><span>${label}</span>${children}</label>`;
}

/** Which targets there are (the platform and every subscription), for selectors and names. */
export function TargetSelect({ value, onChange, allowAny, id }) {
  const { t, targets } = useCtx();
  return html`<select id=${id} value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
    ${allowAny && html`<option value="">${t('anyTarget')}</option>`}
    ${targets.map((x) => html`<option value=${x.target}>${x.target === 'credit-platform' ? t('platform') : `${x.agency} (${x.target.slice(0, 8)})`}</option>`)}
  </select>`;
}
