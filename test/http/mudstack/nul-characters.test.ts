import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase, type Res } from '../../harness/app.js';
import { multipart, PNG_1x1, uploadMultipart, uploadRaw } from './assets-fixtures.js';
import { writtenCounts } from './uploads-fixtures.js';

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

  test('a NUL in a multipart field, a multipart `body` part or a file name is refused and nothing is written', async () => {
    const ten = await t.factory.tenant();
    const before = await writtenCounts(t);
    const file = { name: 'nul.png', data: PNG_1x1, type: 'image/png' };
    assertNulRefused(await uploadMultipart(t, ten, file, { description: 'a\u0000b' }), 'body', '/description');
    assertNulRefused(await uploadMultipart(t, ten, file, { name: 'x\u0000' }), 'body', '/name');
    // The field after the file: the file is already stored when the field arrives, and must not be kept.
    const late = multipart({}, file);
    const withLateField = Buffer.concat([
      late.payload.subarray(0, late.payload.lastIndexOf('--' + late.headers['content-type']!.split('boundary=')[1] + '--')),
      Buffer.from(`--${late.headers['content-type']!.split('boundary=')[1]}\r\nContent-Disposition: form-data; name="description"\r\n\r\nlate\u0000\r\n--${late.headers['content-type']!.split('boundary=')[1]}--\r\n`),
    ]);
    assertNulRefused(await t.req('POST', '/workspaces/assets', { headers: { ...ten.headers, ...late.headers }, payload: withLateField }), 'body', '/description');
    assertNulRefused(await uploadMultipart(t, ten, { ...file, name: 'a\u0000.png' }), 'body', '/file');
    assert.deepEqual(await writtenCounts(t), before);

    const form = multipart({ body: JSON.stringify({ name: 'Acme\u0000' }) });
    assertNulRefused(await t.req('PUT', '/accounts', { headers: { ...ten.headers, ...form.headers }, payload: form.payload }), 'body', '/body/name');
    const account = await t.req('GET', '/accounts', { headers: ten.headers });
    assert.ok(!JSON.stringify(account.body).includes('\\u0000'));
  });

  test('a NUL in a tus Upload-Metadata value is refused and no upload is created', async () => {
    const ten = await t.factory.tenant();
    const sessions = await t.count('upload_sessions');
    const meta = (m: Record<string, string>): string => Object.entries(m).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');
    for (const m of <Array<Record<string, string>>>[{ filename: 'a\u0000.bin' }, { filename: 'a.bin', description: 'd\u0000' }, { filename: 'a.bin', name: '\u0000' }]) {
      const res = await t.req('POST', '/workspaces/assets/tus', { headers: { ...ten.headers, 'tus-resumable': '1.0.0', 'upload-length': '4', 'upload-metadata': meta(m) } });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.equal(res.body.error.fields[0].in, 'headers');
      assert.equal(res.body.error.fields[0].pointer, '/Upload-Metadata');
      assert.match(res.body.error.fields[0].message, /NUL/);
    }
    assert.equal(await t.count('upload_sessions'), sessions);
  });
});
