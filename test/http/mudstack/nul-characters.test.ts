import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase, type Res } from '../../harness/app.js';
import { PNG_1x1, uploadRaw } from './assets-fixtures.js';

/** A 400 in the error shape that names the one field holding the NUL. */
function assertNulRefused(res: Res, part: string, pointer: string): void {
  assert.equal(res.status, 400, res.text);
  assert.equal(res.body.error.code, 'validation_failed');
  assert.deepEqual(res.body.error.fields, [{ in: part, pointer, message: 'must not contain NUL (U+0000) characters' }]);
  assert.equal(typeof res.body.request_id, 'string');
}

// Found by the schema fuzzer (test/fuzz): on PostgreSQL every one of these answered 500 (text and jsonb cannot hold
// U+0000), and on SQLite the writes stored it.
describeEachDatabase('NUL characters in input', (t) => {
  test('a NUL in a JSON body string, nested value or key is refused and nothing is written', async () => {
    const ten = await t.factory.tenant();
    const tags = await t.count('tags');
    assertNulRefused(await t.req('POST', '/workspaces/tags', { headers: ten.headers, json: { name: 'Hero\u0000' } }), 'body', '/name');
    assert.equal(await t.count('tags'), tags);

    assertNulRefused(await t.req('PUT', '/users/me', { headers: ten.headers, json: { firstName: 'a\u0000b' } }), 'body', '/firstName');
    const me = await t.req('GET', '/users/me', { headers: ten.headers });
    assert.equal(me.status, 200);
    assert.ok(!JSON.stringify(me.body).includes('\\u0000'));

    const up = await uploadRaw(t, ten, PNG_1x1, { file_name: 'nul.png' });
    assert.equal(up.status, 201, up.text);
    const comments = await t.count('comments');
    const url = `/workspaces/assets/${up.body.id}/comments`;
    assertNulRefused(await t.req('POST', url, { headers: ten.headers, json: { content: 'ok', viewer_metadata: { marks: ['x', 'y\u0000'] } } }), 'body', '/viewer_metadata/marks/1');
    assertNulRefused(await t.req('POST', url, { headers: ten.headers, json: { content: 'ok', viewer_metadata: { 'a/\u0000': 1 } } }), 'body', '/viewer_metadata/a~1\u0000');
    assert.equal(await t.count('comments'), comments);
  });

  test('a body nested 5,000 levels deep is checked without overflowing the stack: a 400, not a 500', async () => {
    const ten = await t.factory.tenant();
    const deep = `{"name":${'['.repeat(5_000)}"a\\u0000"${']'.repeat(5_000)}}`;
    const res = await t.req('POST', '/workspaces/tags', { headers: { ...ten.headers, 'content-type': 'application/json' }, payload: deep });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error.fields[0].pointer, `/name${'/0'.repeat(5_000)}`);
  });

  test('a NUL in a path parameter or a query value is refused', async () => {
    const ten = await t.factory.tenant();
    assertNulRefused(await t.req('GET', '/workspaces/assets/a%00b', { headers: ten.headers }), 'params', '/asset_id');
    assertNulRefused(await t.req('GET', '/workspaces/assets/getByIds?ids=a%00b', { headers: ten.headers }), 'query', '/ids');
    assertNulRefused(await t.req('GET', '/workspaces/assets/search?query=x%00', { headers: ten.headers }), 'query', '/query');
    const workspaces = await t.count('workspaces');
    assertNulRefused(await t.req('POST', '/workspaces?name=a%00', { headers: ten.headers }), 'query', '/name');
    assert.equal(await t.count('workspaces'), workspaces);
  });
});
