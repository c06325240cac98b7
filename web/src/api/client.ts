import type { Session } from './types';

/*
 * The one way the app talks to the API: same origin, the session cookie (sent by the browser, never readable here),
 * the tenancy headers of the chosen account and workspace, and the session's CSRF token on every write
 * (docs/web.md "Sessions and CSRF"). A 401 means the session ended: listeners send the person to sign-in and back.
 */

/** A field the API named in a validation error: `pointer` is a JSON pointer within the request part `in`. */
export interface FieldError {
  in: string;
  pointer: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
    readonly fields: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

interface Tenancy {
  accountId: string | null;
  workspaceId: string | null;
}

const state: { csrf: string | null; tenancy: Tenancy } = { csrf: null, tenancy: { accountId: null, workspaceId: null } };
const signedOutListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  state.csrf = token;
}

export function setTenancy(t: Tenancy): void {
  state.tenancy = t;
}

export function currentTenancy(): Tenancy {
  return state.tenancy;
}

export function onSignedOut(fn: () => void): () => void {
  signedOutListeners.add(fn);
  return () => signedOutListeners.delete(fn);
}

export type Query = Record<string, string | number | boolean | undefined | null | readonly string[]>;

export function withQuery(path: string, query?: Query): string {
  if (!query) {
    return path;
  }
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') {
      continue;
    }
    if (Array.isArray(v)) {
      v.forEach((item) => params.append(k, item));
    } else {
      params.append(k, String(v));
    }
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** Headers for a request: tenancy always (when chosen), CSRF on writes. */
export function apiHeaders(method: string, extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  if (state.tenancy.accountId) {
    h['x-account-id'] = state.tenancy.accountId;
  }
  if (state.tenancy.workspaceId) {
    h['x-workspace-id'] = state.tenancy.workspaceId;
  }
  if (!['GET', 'HEAD'].includes(method) && state.csrf) {
    h['x-csrf-token'] = state.csrf;
  }
  return h;
}

async function errorOf(res: Response): Promise<ApiError> {
  let code = 'http_error';
  let message = `${res.status} ${res.statusText}`;
  let fields: FieldError[] = [];
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; fields?: FieldError[] } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
    fields = Array.isArray(body.error?.fields) ? body.error.fields : [];
  } catch {
    // Not JSON: keep the status line.
  }
  const retry = Number(res.headers.get('retry-after'));
  return new ApiError(res.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : undefined, fields);
}

/** Sends a request; JSON in and out. Throws ApiError on any non-2xx answer. */
export async function api<T>(method: string, path: string, opts: { query?: Query; json?: unknown; body?: BodyInit; headers?: Record<string, string>; quiet401?: boolean } = {}): Promise<T> {
  const headers = apiHeaders(method, opts.headers);
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(withQuery(path, opts.query), { method, headers, body, credentials: 'same-origin' });
  if (res.status === 401 && !opts.quiet401) {
    signedOutListeners.forEach((fn) => fn());
  }
  if (!res.ok) {
    throw await errorOf(res);
  }
  if (res.status === 204) {
    return undefined as T;
  }
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.blob()) as T;
}

/** GET of a list whose next page's cursor comes in the x-next-cursor header (delivery logs, notifications, trash). */
export async function apiPage<T>(path: string, query?: Query): Promise<{ items: T[]; nextCursor: string | null }> {
  const res = await fetch(withQuery(path, query), { headers: apiHeaders('GET'), credentials: 'same-origin' });
  if (res.status === 401) {
    signedOutListeners.forEach((fn) => fn());
  }
  if (!res.ok) {
    throw await errorOf(res);
  }
  return { items: (await res.json()) as T[], nextCursor: res.headers.get('x-next-cursor') };
}

/** GET /auth/session: the current session, or null when signed out. */
export async function fetchSession(): Promise<Session | null> {
  try {
    const s = await api<Session>('GET', '/auth/session', { quiet401: true });
    setCsrfToken(s.csrf_token);
    return s;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      return null;
    }
    throw err;
  }
}

export async function signIn(email: string, password: string): Promise<Session> {
  const s = await api<Session>('POST', '/auth/sessions', { json: { email, password }, quiet401: true });
  setCsrfToken(s.csrf_token);
  return s;
}

export async function signOut(): Promise<void> {
  await api<void>('DELETE', '/auth/session', { quiet401: true });
  setCsrfToken(null);
}

/*
 * Files behind the API (thumbnails, previews, proxies) need the tenancy headers, which <img src> cannot send, so they
 * are fetched and shown from blob: URLs. Recently used ones are kept; the oldest are released past the limit.
 */
const blobUrls = new Map<string, Promise<string>>();
const BLOB_CACHE = 600;

export function fileUrl(path: string): Promise<string> {
  const key = `${state.tenancy.workspaceId}:${path}`;
  const hit = blobUrls.get(key);
  if (hit) {
    blobUrls.delete(key);
    blobUrls.set(key, hit);
    return hit;
  }
  const p = api<Blob>('GET', path).then((b) => URL.createObjectURL(b));
  p.catch(() => blobUrls.delete(key));
  blobUrls.set(key, p);
  while (blobUrls.size > BLOB_CACHE) {
    const [oldest, url] = blobUrls.entries().next().value as [string, Promise<string>];
    blobUrls.delete(oldest);
    void url.then((u) => URL.revokeObjectURL(u)).catch(() => undefined);
  }
  return p;
}

/** Saves a blob as a download (bulk ZIP, a version's file). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
