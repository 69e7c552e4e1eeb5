// The key lives in sessionStorage only: it dies with the tab, never reaches a URL, and every call sends it
// as a Bearer header, so the gateway's own auth, roles and audit apply to everything the console does.
const KEY = 'console.key';
const WHO = 'console.who';

let onUnauthorized = () => {};

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

export function savedWho() {
  try {
    return sessionStorage.getItem(KEY) ? JSON.parse(sessionStorage.getItem(WHO) || 'null') : null;
  } catch {
    return null;
  }
}

export function remember(key, who) {
  sessionStorage.setItem(KEY, key);
  sessionStorage.setItem(WHO, JSON.stringify(who));
}

/** The stored key, for the one call that must still carry it after sign-out has begun. */
export function storedKey() {
  return sessionStorage.getItem(KEY);
}

export function forget() {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(WHO);
}

/** `key` overrides the stored key (null: none); only a rejected stored key ends the session. */
export async function api(method, path, body, explicitKey) {
  const stored = explicitKey === undefined;
  const key = stored ? sessionStorage.getItem(KEY) : explicitKey;
  const headers = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text.slice(0, 200) };
  }
  if (res.status === 401 && stored && key) onUnauthorized();
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** `?a=1&b=2` from the non-empty entries. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
