import { render } from 'preact';
import { html } from 'htm/preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api, forget, savedWho, setUnauthorizedHandler, storedKey } from './api.js';
import { initialLang, LANGS, saveLang, translator } from './i18n.js';
import { makeTime } from './time.js';
import { Ctx } from './ui.js';
import { SignIn } from './pages/signin.js';
import { Failures } from './pages/failures.js';
import { DeliveryDetail } from './pages/delivery.js';
import { Targets } from './pages/targets.js';
import { Reconciliations, ReconciliationReport } from './pages/reconciliations.js';
import { Sweeps } from './pages/sweeps.js';
import { Audit } from './pages/audit.js';
import { Queues } from './pages/queues.js';

const NAV = [
  ['failures', 'navFailures'],
  ['targets', 'navTargets'],
  ['reconciliations', 'navReconciliations'],
  ['sweeps', 'navSweeps'],
  ['audit', 'navAudit'],
  ['queues', 'navQueues'],
];

// Hash routes: the server only ever serves one page, and nothing sensitive is put in the address.
function parseHash() {
  const [path, search = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [page = 'failures', id] = path.split('/');
  return { page: page || 'failures', id: id ? decodeURIComponent(id) : undefined, params: Object.fromEntries(new URLSearchParams(search)) };
}

function useRoute() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const on = () => setRoute(parseHash());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function Page({ route }) {
  switch (route.page) {
    case 'deliveries':
      return html`<${DeliveryDetail} id=${route.id} />`;
    case 'targets':
      return html`<${Targets} />`;
    case 'reconciliations':
      return route.id ? html`<${ReconciliationReport} id=${route.id} />` : html`<${Reconciliations} />`;
    case 'sweeps':
      return html`<${Sweeps} />`;
    case 'audit':
      return html`<${Audit} />`;
    case 'queues':
      return html`<${Queues} />`;
    default:
      return html`<${Failures} initialTarget=${route.params.target} />`;
  }
}

function LangSwitch({ lang, setLang }) {
  return html`<div class="langs" role="group" aria-label="Language / 语言">
    ${LANGS.map(([code, label]) => html`<button type="button" class=${lang === code ? 'on' : ''} aria-pressed=${lang === code} onClick=${() => setLang(code)}>${label}</button>`)}
  </div>`;
}

function App() {
  const [lang, setLangState] = useState(initialLang());
  const [settings, setSettings] = useState(null);
  const [settingsError, setSettingsError] = useState(null);
  const [who, setWho] = useState(savedWho());
  const [ended, setEnded] = useState(false);
  const [targets, setTargets] = useState([]);
  const route = useRoute();
  const t = useMemo(() => translator(lang), [lang]);
  const time = useMemo(() => settings && makeTime(settings.timeZone, settings.now), [settings]);

  const setLang = (l) => {
    saveLang(l);
    setLangState(l);
  };
  const signOut = useCallback((expired = false) => {
    // With the key, the gateway also refuses the dashboard cookie on every instance, not just in this browser.
    const key = storedKey();
    forget();
    setWho(null);
    setEnded(expired);
    void api('DELETE', '/v1/console/session', undefined, expired ? null : key).catch(() => {});
  }, []);
  const refreshTargets = useCallback(() => api('GET', '/v1/ops/targets').then((r) => setTargets(r.items), () => {}), []);

  useEffect(() => setUnauthorizedHandler(() => signOut(true)), [signOut]);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = t('title');
  }, [lang]);
  useEffect(() => {
    api('GET', '/v1/console/settings', undefined, null).then(setSettings, setSettingsError);
  }, []);
  useEffect(() => {
    if (who) refreshTargets();
  }, [who]);

  if (settingsError) return html`<main class="narrow"><p class="error" role="alert">${t('settingsFailed', { msg: settingsError.message })}</p></main>`;
  if (!settings) return html`<main class="narrow"><p class="muted">${t('loading')}</p></main>`;
  const targetNames = Object.fromEntries(targets.filter((x) => x.agency).map((x) => [x.target, x.agency]));
  const ctx = { t, lang, time, settings, who, targets, targetNames, refreshTargets };

  return html`<${Ctx.Provider} value=${ctx}>
    <header class="top">
      <strong>${t('title')}</strong>
      <span class="muted zone" data-testid="zone">${t('timesIn', { zone: time.zoneLabel })}</span>
      <span class="spacer"></span>
      <${LangSwitch} lang=${lang} setLang=${setLang} />
      ${who && html`<span data-testid="who">${t('signedInAs', { name: who.name, role: who.role })}</span>
        <button type="button" onClick=${() => signOut(false)}>${t('signOut')}</button>`}
    </header>
    ${who
      ? html`<nav class="tabs">
            ${NAV.map(([page, label]) => html`<a href=${`#/${page}`} class=${route.page === page || (page === 'failures' && route.page === 'deliveries') ? 'on' : ''}>${t(label)}</a>`)}
          </nav>
          <main><${Page} route=${route} /></main>`
      : html`<${SignIn} ended=${ended} onSignedIn=${(w) => (setEnded(false), setWho(w))} />`}
  <//>`;
}

render(html`<${App} />`, document.getElementById('app'));
