import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signUploadQuery } from '../../../src/domain/uploads/signed-url.js';
import { describeEachDatabaseAndStore } from '../../harness/app.js';
import { randomData, sha256 } from './assets-fixtures.js';
import { listening, refreshed, tempCount, writtenCounts } from './uploads-fixtures.js';

const GLTF = Buffer.from(JSON.stringify({ asset: { version: '2.0' }, scenes: [{ nodes: [] }] }));
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Step 2 exactly as the real client does it: a PUT of the raw bytes with an empty Content-Type. */
async function putBytes(url: string, data: Buffer): Promise<Response> {
  return fetch(url, { method: 'PUT', body: new Uint8Array(data), headers: { 'content-type': '' } });
}

describeEachDatabaseAndStore('presigned upload (Mudstack §5.2)', (t, store) => {
  test('the 3-step flow of the real client: upload url, PUT with empty Content-Type, commit', async () => {
    const ten = await t.factory.tenant();
    const base = await listening(t);
    const json = { ...ten.headers, 'content-type': 'application/json' };
    // 1. Get upload url
    const r1 = await fetch(`${base}/workspaces/assets/upload`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'model.gltf' }) });
    assert.equal(r1.status, 200);
    const step1 = (await r1.json()) as { signed_url: string; key: string; expires_at: string };
    assert.deepEqual(Object.keys(step1).sort(), ['expires_at', 'key', 'signed_url']);
    assert.match(step1.key, UUID_RE);
    if (store === 'disk') {
      assert.match(step1.signed_url, new RegExp(`^${base}/uploads/${step1.key}\\?expires=\\d+&sig=[A-Za-z0-9_-]+$`));
    } else {
      assert.ok(step1.signed_url.includes(`/blobs/tmp/${step1.key}`), step1.signed_url);
    }
    const session = await t.deps.db.selectFrom('upload_sessions').selectAll().where('id', '=', step1.key).executeTakeFirstOrThrow();
    assert.equal(session.workspace_id, ten.workspaceId);
    assert.equal(session.created_by_user_id, ten.userId);
    assert.equal(session.kind, 'presigned');
    assert.equal(session.file_name, 'model.gltf');
    assert.equal(session.state, 'open');
    assert.equal(session.expires_at, step1.expires_at);
    assert.equal(Date.parse(step1.expires_at) - Date.parse(session.created_at), 3600 * 1000);
    // 2. PUT the bytes
    const r2 = await putBytes(step1.signed_url, GLTF);
    assert.ok(r2.ok, `PUT ${r2.status} ${await r2.text()}`);
    assert.equal(await tempCount(t), 1);
    // 3. Commit
    const r3 = await fetch(`${base}/workspaces/assets/upload/assets`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ temp_file_key: step1.key, original_file_name: 'model.gltf', file_location: '/Test Folder/' }),
    });
    assert.equal(r3.status, 200);
    const asset = (await r3.json()) as any;
    assert.equal(asset.workspace_id, ten.workspaceId);
    assert.equal(asset.name, 'model.gltf');
    assert.equal(asset.file_name, 'model.gltf');
    assert.equal(asset.file_location, '/Test Folder/');
    assert.equal(asset.asset_type_id, 'model3d');
    assert.equal(asset.created_by_user_id, ten.userId);
    assert.equal(asset.currentVersion.version_number, 1);
    assert.equal(asset.currentVersion.size, GLTF.length);
    assert.equal(asset.currentVersion.checksum, sha256(GLTF));
    assert.equal(asset.currentVersion.content_type, 'model/gltf+json');
    assert.equal(asset.currentVersion.original_file_name, 'model.gltf');
    // The bytes moved to their content address; nothing is left in temp space.
    assert.equal((await t.deps.blobs.stat(sha256(GLTF)))?.size, GLTF.length);
    assert.equal(await tempCount(t), 0);
    const after = await t.deps.db.selectFrom('upload_sessions').selectAll().where('id', '=', step1.key).executeTakeFirstOrThrow();
    assert.equal(after.state, 'committed');
    assert.equal(after.asset_id, asset.id);
    assert.equal(after.version_id, asset.currentVersion.id);

    // Committing again is idempotent: the same asset, no second version.
    const again = await t.req('POST', '/workspaces/assets/upload/assets', {
      headers: ten.headers,
      json: { temp_file_key: step1.key, original_file_name: 'model.gltf', file_location: '/Test Folder/' },
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, asset.id);
    assert.equal(again.body.versions.length, 1);
  });

  test('size and checksum from step 1 are verified; a mismatch discards the bytes and writes nothing', async () => {
    const ten = await t.factory.tenant();
    const data = randomData(3000);
    const s = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'a.bin', checksum: sha256(randomData(10)) } });
    assert.equal(s.status, 200);
    const put = await putBytes(await absolute(t, s.body.signed_url), data);
    assert.ok(put.ok);
    const before = await writtenCounts(t);
    const c = await t.req('POST', '/workspaces/assets/upload/assets', { headers: ten.headers, json: { temp_file_key: s.body.key, original_file_name: 'a.bin' } });
    assert.equal(c.status, 400);
    assert.equal(c.body.error.code, 'checksum_mismatch');
    assert.deepEqual(await writtenCounts(t), before);
    assert.equal(await tempCount(t), 0);
    const retry = await t.req('POST', '/workspaces/assets/upload/assets', { headers: ten.headers, json: { temp_file_key: s.body.key, original_file_name: 'a.bin' } });
    assert.equal(retry.status, 409);
    assert.equal(retry.body.error.code, 'upload_failed');

    // The commit's own checksum wins over step 1's, and a declared size is checked too.
    const s2 = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'b.bin', size: data.length } });
    assert.ok((await putBytes(await absolute(t, s2.body.signed_url), data)).ok);
    const ok = await t.req('POST', '/workspaces/assets/upload/assets', {
      headers: ten.headers,
      json: { temp_file_key: s2.body.key, original_file_name: 'b.bin', checksum: sha256(data).toUpperCase(), name: 'Bee', description: 'd' },
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.name, 'Bee');
    assert.equal(ok.body.description, 'd');
    assert.equal(ok.body.file_location, '/');
    assert.equal(ok.body.currentVersion.checksum, sha256(data));
    assert.equal(ok.body.currentVersion.content_type, 'application/octet-stream');

    // asset_id: the bytes become a new version of that asset.
    const s3 = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'b2.bin' } });
    assert.ok((await putBytes(await absolute(t, s3.body.signed_url), GLTF)).ok);
    const v2 = await t.req('POST', '/workspaces/assets/upload/assets', {
      headers: ten.headers,
      json: { temp_file_key: s3.body.key, original_file_name: 'b2.bin', asset_id: ok.body.id },
    });
    assert.equal(v2.status, 200, v2.text);
    assert.equal(v2.body.id, ok.body.id);
    assert.equal(v2.body.currentVersion.version_number, 2);
    assert.equal(v2.body.currentVersion.checksum, sha256(GLTF));
  });

  test('bad input is 400 and writes nothing; commit before the PUT is 409', async () => {
    const ten = await t.factory.tenant();
    const sessions = await t.count('upload_sessions');
    for (const body of [{}, { name: '' }, { name: '..' }, { name: 'a.bin', checksum: 'xyz' }, { name: 'a.bin', size: -1 }]) {
      const r = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.ok(r.body.error.fields?.length >= 1 || r.body.error.code === 'validation_failed');
    }
    assert.equal(await t.count('upload_sessions'), sessions);
    const s = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'a.bin' } });
    const early = await t.req('POST', '/workspaces/assets/upload/assets', { headers: ten.headers, json: { temp_file_key: s.body.key, original_file_name: 'a.bin' } });
    assert.equal(early.status, 409);
    assert.equal(early.body.error.code, 'upload_incomplete');
    assert.ok((await putBytes(await absolute(t, s.body.signed_url), randomData(100))).ok);
    const before = await writtenCounts(t);
    const bad = await t.req('POST', '/workspaces/assets/upload/assets', {
      headers: ten.headers,
      json: { temp_file_key: s.body.key, original_file_name: 'a.bin', file_location: '/a/../b/' },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.fields, [{ in: 'body', pointer: '/file_location', message: 'must not contain ".." segments' }]);
    const missing = await t.req('POST', '/workspaces/assets/upload/assets', { headers: ten.headers, json: { temp_file_key: s.body.key } });
    assert.equal(missing.status, 400);
    assert.deepEqual(await writtenCounts(t), before);
    // The session is still open after bad input: fixed, the commit goes through.
    const good = await t.req('POST', '/workspaces/assets/upload/assets', { headers: ten.headers, json: { temp_file_key: s.body.key, original_file_name: 'a.bin' } });
    assert.equal(good.status, 200, good.text);
  });

  test("Atelier's signed PUT: forged, moved or expired signatures are 403; unknown sessions 404", async () => {
    const ten = await t.factory.tenant();
    const s = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'a.bin' } });
    const other = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'b.bin' } });
    const expiresAt = new Date(t.clock.now().getTime() + 600_000);
    const query = signUploadQuery(t.deps.tokenKey, { method: 'PUT', path: `/uploads/${s.body.key}`, expiresAt });
    const put = (path: string) => t.req('PUT', path, { headers: { 'content-type': '' }, payload: Buffer.from('hello') });
    assert.equal((await put(`/uploads/${s.body.key}?${query}`)).status, 204);
    const forged = query.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    for (const path of [
      `/uploads/${s.body.key}?${forged}`,
      `/uploads/${s.body.key}`,
      `/uploads/${s.body.key}?expires=${Math.floor(expiresAt.getTime() / 1000) + 60}&${query.split('&')[1]}`,
      // A valid signature for one session does not open another.
      `/uploads/${other.body.key}?${query}`,
    ]) {
      const r = await put(path);
      assert.equal(r.status, 403, path);
      assert.equal(r.body.error.code, 'upload_signature_invalid');
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    const q2 = signUploadQuery(t.deps.tokenKey, { method: 'PUT', path: `/uploads/${unknown}`, expiresAt });
    assert.equal((await put(`/uploads/${unknown}?${q2}`)).status, 404);
    t.clock.advance(601);
    const expired = await put(`/uploads/${s.body.key}?${query}`);
    assert.equal(expired.status, 403);
    assert.equal(expired.body.error.code, 'upload_url_expired');
  });

  test("another tenant's or user's key is 404; no auth 401; a viewer 403; an expired session 404 upload_expired", async () => {
    const ten = await t.factory.tenant();
    const stranger = await t.factory.tenant();
    const colleague = await t.factory.member(ten, { workspace: 'editor' });
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const s = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'a.bin' } });
    assert.ok((await putBytes(await absolute(t, s.body.signed_url), randomData(10))).ok);
    const body = { temp_file_key: s.body.key, original_file_name: 'a.bin' };
    for (const who of [stranger, colleague]) {
      const r = await t.req('POST', '/workspaces/assets/upload/assets', { headers: who.headers, json: body });
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, 'upload_not_found');
    }
    assert.equal((await t.req('POST', '/workspaces/assets/upload', { json: { name: 'a.bin' } })).status, 401);
    assert.equal((await t.req('POST', '/workspaces/assets/upload/assets', { json: body })).status, 401);
    const sessions = await t.count('upload_sessions');
    assert.equal((await t.req('POST', '/workspaces/assets/upload', { headers: viewer.headers, json: { name: 'a.bin' } })).status, 403);
    assert.equal((await t.req('POST', '/workspaces/assets/upload/assets', { headers: viewer.headers, json: body })).status, 403);
    assert.equal(await t.count('upload_sessions'), sessions);
    t.clock.advance(3601);
    const fresh = await refreshed(t, ten);
    const late = await t.req('POST', '/workspaces/assets/upload/assets', { headers: fresh.headers, json: body });
    assert.equal(late.status, 404);
    assert.equal(late.body.error.code, 'upload_expired');
  });
});

/** Signed URLs of the disk store name the request's host; under inject that is `localhost:80`, so go via a socket. */
async function absolute(t: Parameters<typeof listening>[0], signedUrl: string): Promise<string> {
  const base = await listening(t);
  return signedUrl.replace(/^http:\/\/localhost(:80)?(?=\/)/, base);
}
