import assert from 'node:assert/strict';
import type { Res } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';

/** medialoopster requests carry only the credential: `Authorization: Token <token>` as its documents show. */
export const token = (ten: Tenant): Record<string, string> => ({ authorization: `Token ${ten.token}` });

/** HTTP Basic with the tenant's API key and secret (the public client's way). */
export const basic = (ten: Tenant): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${ten.key}:${ten.secret}`).toString('base64')}` });

/** Asserts the list error form of spec §2.1 with one entry (or `n`); returns the entries. */
export function assertMlErrors(res: Res, status: number, code?: string, n = 1): Array<{ status: string; code: string; detail: string; title: string; source?: { pointer: string } }> {
  assert.equal(res.status, status, res.text);
  assert.ok(Array.isArray(res.body?.errors), res.text);
  assert.equal(res.body.errors.length, n, res.text);
  assert.deepEqual(Object.keys(res.body), ['errors']);
  for (const e of res.body.errors) {
    assert.equal(e.status, String(status));
    assert.equal(typeof e.detail, 'string');
    assert.equal(typeof e.title, 'string');
    assert.equal(typeof e.code, 'string');
  }
  if (code !== undefined) {
    assert.equal(res.body.errors[0].code, code, res.text);
  }
  return res.body.errors;
}

/** ISO 8601 UTC with microseconds (spec §2.1). */
export const ISO_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
