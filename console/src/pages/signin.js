import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, remember } from '../api.js';
import { useCtx } from '../ui.js';

export function SignIn({ ended, onSignedIn }) {
  const { t } = useCtx();
  const [key, setKey] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  // Opening the dashboard session doubles as the key check, and tells us the principal's name and role.
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const who = await api('POST', '/v1/console/session', undefined, key.trim());
      remember(key.trim(), { name: who.name, role: who.role });
      onSignedIn({ name: who.name, role: who.role });
    } catch (err) {
      const role = err.body?.message?.match(/role (\w+)/)?.[1];
      setError(err.status === 401 ? t('badKey') : err.status === 403 ? t('wrongRole', { role: role || '?' }) : t('error', { msg: err.message }));
    } finally {
      setBusy(false);
    }
  };

  return html`<main class="narrow">
    <h1>${t('signIn')}</h1>
    ${ended && html`<p class="notice error" role="alert">${t('sessionEnded')}</p>`}
    <p class="muted">${t('signInHint')}</p>
    <form method="post" onSubmit=${submit} autocomplete="off">
      <label class="field"><span>${t('apiKey')}</span>
        <input type="password" name="key" data-testid="api-key" required value=${key} onInput=${(e) => setKey(e.currentTarget.value)} spellcheck="false" />
      </label>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button type="submit" class="primary" disabled=${busy || !key.trim()}>${t('signIn')}</button>
    </form>
  </main>`;
}
