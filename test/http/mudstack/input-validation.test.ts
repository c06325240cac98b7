import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { describeEachDatabase, type Res, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { multipart } from '../../harness/multipart.js';

/*
 * Issue #12 items 3, 5, 6 and 7: input is checked strictly at the edge (no coercion in JSON bodies, no non-finite
 * numbers, no prototype keys, no lone surrogates, no names that would be cut), every refusal is a 400 in the
 * documented shape naming the field, and nothing is written.
 */

const bearer = (ten: Tenant): Record<string, string> => ({ authorization: `Bearer ${ten.token}` });

/** Asserts the documented 400 shape with one field problem at `pointer` in request part `part`. */
function assertFieldError(res: Res, part: string, pointer: string, code = 'validation_failed'): void {
  assert.equal(res.status, 400, res.text);
  assert.equal(res.body.error.code, code, res.text);
  assert.equal(typeof res.body.error.message, 'string');
  assert.equal(typeof res.body.request_id, 'string');
  assert.ok(
    (res.body.error.fields as Array<{ in: string; pointer: string }>).some((f) => f.in === part && f.pointer === pointer),
    `expected a field problem at ${part} ${pointer}: ${res.text}`,
  );
}

/** Row counts of the tables these requests could write to. */
async function counts(t: TestApp): Promise<Record<string, number>> {
  const tables = ['assets', 'asset_versions', 'folders', 'tasks', 'comments', 'webhooks', 'upload_sessions', 'history_events'] as const;
  return Object.fromEntries(await Promise.all(tables.map(async (n) => [n, await t.count(n)] as const)));
}

const rawJson = (t: TestApp, method: 'POST' | 'PUT' | 'PATCH', url: string, headers: Record<string, string>, text: string) =>
  t.req(method, url, { headers: { ...headers, 'content-type': 'application/json' }, payload: text });

const uploadRaw = (t: TestApp, ten: Tenant, fileName: string, query: Record<string, string> = {}) =>
  t.req('POST', '/workspaces/assets', {
    headers: { ...ten.headers, 'content-type': 'application/octet-stream' },
    payload: Buffer.from('hello'),
    query: { file_name: fileName, ...query },
  });

describeEachDatabase('Input validation: strict bodies, finite numbers, names that fit, well-formed strings', (t) => {
  test('PUT /users/me refuses "Infinity", 1e999 and numeric strings for defaultAvatar, and stores nothing', async () => {
    const ten = await t.factory.tenant();
    const before = await counts(t);
    for (const text of ['{"defaultAvatar":"Infinity"}', '{"defaultAvatar":1e999}', '{"defaultAvatar":"5"}', '{"defaultAvatar":-1e999}']) {
      const res = await rawJson(t, 'PUT', '/users/me', bearer(ten), text);
      assertFieldError(res, 'body', '/defaultAvatar');
    }
    const row = await t.deps.db.selectFrom('users').select('default_avatar').where('id', '=', ten.userId).executeTakeFirstOrThrow();
    assert.equal(row.default_avatar, 1);
    assert.deepEqual(await counts(t), before);
    const me = await t.req('GET', '/users/me', { headers: bearer(ten) });
    assert.equal(me.status, 200);
    assert.equal(me.body.defaultAvatar, 1);
  });

  test('JSON bodies are not coerced: a number is not a string, a string is not a boolean', async () => {
    const ten = await t.factory.tenant();
    const before = await counts(t);
    assertFieldError(await t.req('POST', '/workspaces/tasks', { headers: ten.headers, json: { title: 123 } }), 'body', '/title');
    assertFieldError(await t.req('POST', '/workspaces/tasks', { headers: ten.headers, json: { title: true } }), 'body', '/title');
    assertFieldError(
      await t.req('POST', '/workspaces/webhooks', { headers: ten.headers, json: { url: 'http://127.0.0.1:9/h', event_types: ['asset_created'], active: 'false' } }),
      'body',
      '/active',
    );
    assertFieldError(await t.req('PUT', '/users/me', { headers: bearer(ten), json: { firstName: 42 } }), 'body', '/firstName');
    assert.deepEqual(await counts(t), before);
    // The same values with the right types are accepted.
    const ok = await t.req('POST', '/workspaces/tasks', { headers: ten.headers, json: { title: '123' } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.title, '123');
  });

  test('query strings are still read as numbers and booleans, but Infinity and 1e999 are refused', async () => {
    const ten = await t.factory.tenant();
    const ok = await t.req('GET', '/users/history', { headers: bearer(ten), query: { limit: '2' } });
    assert.equal(ok.status, 200, ok.text);
    const paged: Array<[string, Record<string, string>]> = [
      ['/users/history', bearer(ten)],
      ['/accounts/history', ten.headers],
      ['/accounts/notifications', ten.headers],
      ['/workspaces/history', ten.headers],
      ['/workspaces/trash', ten.headers],
      ['/workspaces/favorites', ten.headers],
      ['/workspaces/tasks', ten.headers],
      ['/tasks', ten.headers],
      ['/workspaces/assets/search', ten.headers],
      ['/workspaces/assets/search/ids', ten.headers],
    ];
    for (const [path, headers] of paged) {
      for (const limit of ['Infinity', '-Infinity', '1e999']) {
        assertFieldError(await t.req('GET', path, { headers, query: { limit } }), 'query', '/limit');
      }
      assertFieldError(await t.req('GET', path, { headers, query: { limit: '5', cursor: 'Infinity' } }), 'query', '/cursor');
    }
  });

  test('a user whose stored defaultAvatar is out of range does not break lists that include them', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.member(ten, { account: 'member', workspace: 'editor' });
    const task = await t.req('POST', '/workspaces/tasks', { headers: other.headers, json: { title: 'Check', assignee_id: other.userId } });
    assert.equal(task.status, 200, task.text);
    // A value the API never accepts, written straight to the database (SQLite keeps a REAL Infinity in an INTEGER column).
    const bad = t.kind === 'sqlite' ? sql`${Number.POSITIVE_INFINITY}` : sql`${99}`;
    await sql`update users set default_avatar = ${bad} where id = ${other.userId}`.execute(t.deps.db);
    for (const path of ['/accounts/members', '/workspaces/members', '/workspaces/tasks']) {
      const res = await t.req('GET', path, { headers: ten.headers });
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      assert.ok(res.text.includes(other.userId), path);
    }
    const members = await t.req('GET', '/accounts/members', { headers: ten.headers });
    const shown = (members.body as Array<{ user?: { id: string; defaultAvatar: number }; user_id?: string }>).map((m) => m.user).find((u) => u?.id === other.userId);
    assert.equal(shown?.defaultAvatar, 1);
    const me = await t.req('GET', '/users/me', { headers: bearer(other) });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.defaultAvatar, 1);
    // The owner of the profile can repair it.
    const fixed = await t.req('PUT', '/users/me', { headers: bearer(other), json: { defaultAvatar: 3 } });
    assert.equal(fixed.status, 200, fixed.text);
    assert.equal(fixed.body.defaultAvatar, 3);
  });

  test('a __proto__ key is refused as a validation error naming it, not as malformed JSON', async () => {
    const ten = await t.factory.tenant();
    const before = await counts(t);
    const top = await rawJson(t, 'POST', '/workspaces/tasks', ten.headers, '{"title":"a","__proto__":{"admin":true}}');
    assertFieldError(top, 'body', '/__proto__');
    const nested = await rawJson(t, 'PUT', '/users/me', bearer(ten), '{"firstName":"a","x":{"constructor":{"prototype":{"y":1}}}}');
    assertFieldError(nested, 'body', '/x/constructor/prototype');
    assert.deepEqual(await counts(t), before);
    // Still malformed JSON when it is.
    const broken = await rawJson(t, 'POST', '/workspaces/tasks', ten.headers, '{"title":');
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error.code, 'malformed_json');
  });

  test('multipart/form-data without a boundary is a 4xx, not a 500', async () => {
    const ten = await t.factory.tenant();
    const before = await counts(t);
    for (const [method, url] of [
      ['POST', '/workspaces/assets'],
      ['PUT', '/accounts'],
      ['PUT', '/workspaces'],
    ] as const) {
      const res = await t.req(method, url, { headers: { ...ten.headers, 'content-type': 'multipart/form-data' }, payload: 'x' });
      assert.equal(res.status, 400, `${url}: ${res.text}`);
      assert.equal(res.body.error.code, 'multipart_boundary_missing');
      assert.equal(typeof res.body.request_id, 'string');
    }
    assert.deepEqual(await counts(t), before);
  });

  test('file names over 255 bytes are refused on every path, never cut and merged', async () => {
    const ten = await t.factory.tenant();
    const long = (tail: string) => `${'n'.repeat(250)}é${'x'.repeat(10)}-${tail}.bin`;
    const before = await counts(t);
    const blobsBefore = await t.blobCount();
    assertFieldError(await uploadRaw(t, ten, long('a')), 'query', '/file_name');
    assertFieldError(await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: long('c') } }), 'body', '/name');
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const tus = await t.req('POST', '/workspaces/assets/tus', {
      headers: { ...ten.headers, 'tus-resumable': '1.0.0', 'upload-length': '5', 'upload-metadata': `filename ${b64(long('d'))}` },
    });
    assertFieldError(tus, 'headers', '/filename');
    // Folders, in the form real clients send (`?folder=`); a folder name is a file-system name too.
    assertFieldError(await t.req('POST', '/workspaces/folders', { headers: ten.headers, query: { folder: `/ok/${'f'.repeat(256)}` } }), 'query', '/folder');
    assert.deepEqual(await counts(t), before);
    assert.equal(await t.blobCount(), blobsBefore);
    // In a multipart form the name may come after the bytes (a `file_name` field), so these bytes are stored before
    // the name is refused; no row refers to them and the orphan sweep removes them.
    const form = multipart([{ name: 'file', value: 'hello', filename: long('b') }]);
    assertFieldError(await t.req('POST', '/workspaces/assets', { headers: { ...ten.headers, ...form.headers }, payload: form.payload }), 'body', '/file_name');
    assert.deepEqual(await counts(t), before);

    // 255 bytes exactly fit; renames and display names obey the same limit.
    const okFolder = await t.req('POST', '/workspaces/folders', { headers: ten.headers, query: { folder: `/ok/${'f'.repeat(255)}` } });
    assert.equal(okFolder.status, 200, okFolder.text);
    assert.equal(okFolder.body.name, 'f'.repeat(255));
    const fits = `${'a'.repeat(251)}.bin`;
    const made = await uploadRaw(t, ten, fits);
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.file_name, fits);
    const id = made.body.id as string;
    assertFieldError(await t.req('PATCH', `/workspaces/assets/${id}/rename`, { headers: ten.headers, json: { name: long('e') } }), 'body', '/name');
    assertFieldError(await t.req('PATCH', `/workspaces/assets/${id}/rename`, { headers: ten.headers, json: { name: 'é'.repeat(128) } }), 'body', '/name');
    const after = await t.req('GET', `/workspaces/assets/${id}`, { headers: ten.headers });
    assert.equal(after.body.file_name, fits);
    assert.equal(after.body.name, made.body.name);
  });

  test('descriptions over 10,000 bytes are refused with a field error, never cut; 10,000 bytes are kept whole', async () => {
    const ten = await t.factory.tenant();
    // 5,001 characters (under the schemas' 10,000-character limit), 10,002 bytes of UTF-8.
    const over = 'é'.repeat(5_001);
    const exact = `${'é'.repeat(4_999)}ab`;
    const before = await counts(t);
    assertFieldError(await uploadRaw(t, ten, 'd.bin', { description: over }), 'query', '/description');
    assertFieldError(await uploadRaw(t, ten, 'd.bin', { version_description: over }), 'query', '/version_description');
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const tus = await t.req('POST', '/workspaces/assets/tus', {
      headers: { ...ten.headers, 'tus-resumable': '1.0.0', 'upload-length': '5', 'upload-metadata': `filename ${b64('d.bin')},description ${b64(over)}` },
    });
    assertFieldError(tus, 'headers', '/description');
    assert.deepEqual(await counts(t), before);

    const made = await uploadRaw(t, ten, 'd.bin', { description: exact });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.description, exact);
    const id = made.body.id as string;
    assertFieldError(await t.req('PATCH', `/workspaces/assets/${id}`, { headers: ten.headers, json: { description: over } }), 'body', '/description');
    const versions = await t.req('GET', `/workspaces/assets/${id}/versions`, { headers: ten.headers });
    const versionId = (versions.body.data ?? versions.body)[0].id as string;
    assertFieldError(await t.req('PATCH', `/workspaces/assets/${id}/versions/${versionId}`, { headers: ten.headers, json: { description: over } }), 'body', '/description');
    const after = await t.req('GET', `/workspaces/assets/${id}`, { headers: ten.headers });
    assert.equal(after.body.description, exact);
  });

  test('lone UTF-16 surrogates are refused with the pointer of the string, in bodies, nested values and form fields', async () => {
    const ten = await t.factory.tenant();
    const asset = await uploadRaw(t, ten, 'ok.bin');
    assert.equal(asset.status, 201, asset.text);
    const assetId = asset.body.id as string;
    const before = await counts(t);
    const lone = 'x\ud800y';
    assertFieldError(await t.req('POST', '/workspaces/tasks', { headers: ten.headers, json: { title: lone } }), 'body', '/title');
    assertFieldError(await t.req('POST', '/workspaces/tasks', { headers: ten.headers, json: { title: 'a', description: 'b\udc00' } }), 'body', '/description');
    assertFieldError(await t.req('POST', `/workspaces/assets/${assetId}/comments`, { headers: ten.headers, json: { content: lone } }), 'body', '/content');
    assertFieldError(
      await t.req('POST', `/workspaces/assets/${assetId}/comments`, { headers: ten.headers, json: { content: 'ok', viewer_metadata: { [lone]: 1 } } }),
      'body',
      `/viewer_metadata/x\ufffdy`,
    );
    assertFieldError(
      await t.req('POST', '/workspaces/webhooks', { headers: ten.headers, json: { url: 'http://127.0.0.1:9/h', event_types: ['asset_created'], description: lone } }),
      'body',
      '/description',
    );
    assertFieldError(await t.req('POST', '/workspaces/folders', { headers: ten.headers, json: { path: `/a/${lone}` } }), 'body', '/path');
    assertFieldError(await t.req('PATCH', `/workspaces/assets/${assetId}/rename`, { headers: ten.headers, json: { name: lone } }), 'body', '/name');
    // A JSON `body` field of a multipart form is JSON too.
    const form = multipart([{ name: 'body', value: JSON.stringify({ content: lone }) }]);
    assertFieldError(
      await t.req('POST', `/workspaces/assets/${assetId}/comments`, { headers: { ...ten.headers, ...form.headers }, payload: form.payload }),
      'body',
      '/body/content',
    );
    assert.deepEqual(await counts(t), before);
    // A well-formed pair (an emoji) is fine.
    const emoji = await t.req('POST', '/workspaces/tasks', { headers: ten.headers, json: { title: 'ship \ud83d\ude80' } });
    assert.equal(emoji.status, 200, emoji.text);
    assert.equal(emoji.body.title, 'ship 🚀');
  });
});
