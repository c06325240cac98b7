import assert from 'node:assert/strict';
import { setUserPassword } from '../../../src/domain/auth/passwords.service.js';
import type { Res, TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';

/** The host the tests' requests name; the app's own origin is then http://atelier.test. */
export const HOST = 'atelier.test';
export const ORIGIN = `http://${HOST}`;
export const PASSWORD = 'correct horse battery';

export interface Browser {
  cookie: string;
  csrf: string;
  /** Cookie + tenancy headers as the web app sends them on reads. */
  read: Record<string, string>;
  /** The same plus Origin and the CSRF token, as the app sends them on writes. */
  write: Record<string, string>;
}

/** Signs in over HTTP and returns the headers a browser would send afterwards. */
export async function signIn(t: TestApp, ten: Tenant, password = PASSWORD, remoteAddress = '127.0.0.1'): Promise<Browser> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/auth/sessions',
    remoteAddress,
    headers: { host: HOST, origin: ORIGIN, 'content-type': 'application/json' },
    payload: JSON.stringify({ email: ten.email, password }),
  });
  assert.equal(res.statusCode, 200, res.body);
  const setCookie = String(res.headers['set-cookie']);
  const cookie = setCookie.split(';')[0] ?? '';
  const csrf = (res.json() as { csrf_token: string }).csrf_token;
  const read = { host: HOST, cookie, 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId };
  return { cookie, csrf, read, write: { ...read, origin: ORIGIN, 'x-csrf-token': csrf } };
}

/** Gives the tenant's user a password through the domain function the admin CLI uses. */
export async function withPassword(t: TestApp, ten: Tenant, password = PASSWORD): Promise<Tenant> {
  await setUserPassword(t.deps, { email: ten.email, password });
  return ten;
}

/** POST /auth/sessions from a given client address. */
export async function signInFrom(t: TestApp, remoteAddress: string, body: Record<string, unknown>): Promise<Res> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/auth/sessions',
    remoteAddress,
    headers: { host: HOST, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  return { status: res.statusCode, body: res.body ? res.json() : undefined, headers: res.headers, text: res.body };
}
