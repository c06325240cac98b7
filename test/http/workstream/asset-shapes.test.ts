import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import sharp from 'sharp';
import { loadAssetShapes, loadVersionShapes } from '../../../src/domain/assets/asset-shapes.repo.js';
import {
  mediaLinks,
  presentAssetVersions,
  presentFullAsset,
  presentLegacyAsset,
  presentMiniAsset,
  type MediaLinks,
} from '../../../src/http/surfaces/workstream/asset-shapes.js';
import { WsAssetVersion, WsFullAsset, WsLegacyAsset, WsMiniAsset } from '../../../src/http/surfaces/workstream/asset-shapes.schemas.js';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { makeImage } from '../../media/fixtures.js';
import { uploadRaw } from '../mudstack/assets-fixtures.js';
import { assertSameTypes, seedResponse } from './seed.js';

const BASE = 'http://atelier.test';

/** An image uploaded through the core API, its derivatives made by the real media jobs. */
async function uploadImage(t: TestApp, ten: Tenant, name: string, query: Record<string, string> = {}, url?: string) {
  const res = await uploadRaw(t, ten, await makeImage('jpeg', 640, 480), { file_name: name, ...query }, 'application/octet-stream', url);
  assert.ok(res.status === 201 || res.status === 200, res.text);
  await t.jobs.runUntilIdle();
  return res.body;
}

/** GETs a URL the shapes gave, without any credential (as `<img src>` does). */
async function fetchUrl(t: TestApp, url: string) {
  assert.ok(url.startsWith(`${BASE}/workstream/media/`), url);
  const res = await t.app.inject({ method: 'GET', url: url.slice(BASE.length) });
  return { status: res.statusCode, type: String(res.headers['content-type']), body: res.rawPayload, json: () => res.json() };
}

const srcOf = (html: string): string => {
  const m = /src="([^"]+)"/.exec(html);
  assert.ok(m, html);
  return m[1] as string;
};

describeEachDatabase('workstream: asset shapes (§1.3.7) over real assets, versions and derivatives', (t) => {
  let a: Tenant;
  let b: Tenant;
  let assetId: string;
  let links: MediaLinks;

  before(async () => {
    a = await t.factory.tenant();
    b = await t.factory.tenant();
    links = mediaLinks(t.deps, BASE);
    const first = await uploadImage(t, a, 'Sample Image.JPG', { file_location: '/Workstream Assets/', description: 'A sample' });
    assetId = first.id;
    // A second version: the asset is at version 2, version 1 is listed by the versions shape.
    await uploadImage(t, a, 'version2.jpg', {}, `/workspaces/assets/${assetId}/versions`);
    const tagged = await t.req('POST', `/workspaces/assets/${assetId}/tags`, { headers: a.headers, json: { names: ['red', 'blue'] } });
    assert.equal(tagged.status, 200, tagged.text);
  });

  const load = async (viewer: Tenant = a) => {
    const [d] = await loadAssetShapes(t.deps.db, { workspaceId: a.workspaceId, viewerId: viewer.userId, assetIds: [assetId] });
    assert.ok(d);
    return d;
  };

  test('(a) mini asset: the seed example\'s fields and types, file_type with a dot, thumbnails that download', async () => {
    const d = await load();
    const mini = presentMiniAsset(links, d);
    assert.equal(Value.Check(WsMiniAsset, mini), true, JSON.stringify([...Value.Errors(WsMiniAsset, mini)].slice(0, 3)));
    assertSameTypes(mini, seedResponse('GET workstream/tasks/{id}/assets')[0]);
    const seq = (await t.deps.db.selectFrom('assets').select('sequence').where('id', '=', assetId).executeTakeFirstOrThrow()).sequence;
    assert.equal(mini.id, String(seq));
    assert.equal(mini.type, 'asset');
    assert.equal(mini.version, '2');
    assert.equal(mini.filename, 'version2.jpg');
    assert.equal(mini.file_type, '.jpg');
    assert.equal(mini.type_id, '1');
    assert.equal(mini.hide_preview, false);
    const folder = await t.deps.db.selectFrom('folders').select('sequence').where('workspace_id', '=', a.workspaceId).where('path', '=', '/Workstream Assets/').executeTakeFirstOrThrow();
    assert.equal(mini.folder_id, String(folder.sequence));
    const userSeq = (await t.deps.db.selectFrom('users').select('sequence').where('id', '=', a.userId).executeTakeFirstOrThrow()).sequence;
    assert.deepEqual(Object.keys(mini.user).sort(), ['email', 'id', 'name', 'status', 'type', 'username']);
    assert.equal(mini.user.id, String(userSeq));
    assert.equal(mini.user.email, a.email);
    assert.equal(mini.user.status, 'active');
    const thumb = await fetchUrl(t, mini.thumburl.thumb100);
    assert.equal(thumb.status, 200, thumb.body.toString());
    const meta = await sharp(thumb.body).metadata();
    assert.ok((meta.width ?? 0) > 0 && (meta.width ?? 0) <= 640);
    const preview = await fetchUrl(t, mini.media_url);
    assert.equal(preview.status, 200);
    assert.match(preview.type, /^image\//);
  });

  test('(c) full asset: filesize in MB as a string, filetype without a dot, media_url an HTML fragment whose src downloads', async () => {
    const d = await load();
    const full = presentFullAsset(links, d);
    assert.equal(Value.Check(WsFullAsset, full), true, JSON.stringify([...Value.Errors(WsFullAsset, full)].slice(0, 3)));
    assertSameTypes(full, seedResponse('GET workstream/tasks/{id}/assets/{assetId}'));
    const version = await t.deps.db.selectFrom('asset_versions').select(['size']).where('asset_id', '=', assetId).where('version_number', '=', 2).executeTakeFirstOrThrow();
    assert.equal(full.filesize, (Number(version.size) / 1_000_000).toFixed(2));
    assert.match(full.filesize, /^[0-9]+\.[0-9]{2}$/);
    assert.equal(full.filetype, 'jpg');
    assert.equal(full.width, '640');
    assert.equal(full.height, '480');
    assert.equal(full.colorspace, 'RGB');
    assert.equal(full.description, 'A sample');
    const subscribedBefore = (await t.deps.db.selectFrom('asset_subscriptions').select('id').where('asset_id', '=', assetId).where('user_id', '=', a.userId).execute()).length > 0;
    assert.equal(full.watched, subscribedBefore);
    assert.equal(full.date_captured_unix, '0');
    assert.match(full.date_created_unix, /^[0-9]{10}$/);
    assert.match(full.media_url, /^<div class="asset-proc-wrapper hide">.*<img .*src="[^"]+".*>$/);
    assert.equal(full.folder.name, 'Workstream Assets');
    const keyword = full.metadata.active_fields.find((f) => f.field === 'keyword');
    assert.equal(keyword?.value, 'blue, red');
    assert.deepEqual(full.thumbnailurls.map((u) => u.size), [100, 150, 220, 310, 550, 1280]);
    assert.deepEqual(full.thumbnailurls[4]?.previewurls, []);
    const res = await fetchUrl(t, srcOf(full.hi_res_media_url));
    assert.equal(res.status, 200);
    assert.equal((await sharp(res.body).metadata()).width !== undefined, true);
    // Watching the asset (a core subscription) shows as watched.
    assert.equal((await t.req('POST', `/workspaces/assets/${assetId}/subscriptions`, { headers: a.headers })).status, 200);
    assert.equal(presentFullAsset(links, await load()).watched, true);
    assert.equal(presentFullAsset(links, await load(b)).watched, false);
  });

  test('(b) legacy asset: camelCase counters, datecreated strings, mediaUrl HTML', async () => {
    const legacy = presentLegacyAsset(links, await load());
    assert.equal(Value.Check(WsLegacyAsset, legacy), true, JSON.stringify([...Value.Errors(WsLegacyAsset, legacy)].slice(0, 3)));
    assertSameTypes(legacy, seedResponse('GET workstream/approvals/{key}').object);
    assert.match(legacy.datecreated, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.match(legacy.mediaUrl, /<img /);
    assert.equal(legacy.filetype, 'jpg');
  });

  test('(d) versions: older versions only, the asset id, null user fields, v1 media that downloads', async () => {
    const d = await load();
    const versions = presentAssetVersions(links, d, await loadVersionShapes(t.deps.db, { workspaceId: a.workspaceId, assetId }));
    assert.equal(versions.length, 1);
    const v = versions[0];
    assert.ok(v);
    assert.equal(Value.Check(WsAssetVersion, v), true, JSON.stringify([...Value.Errors(WsAssetVersion, v)].slice(0, 3)));
    assertSameTypes(v, seedResponse('GET workstream/tasks/{id}/assets/{assetId}/versions')[0]);
    assert.equal(v.id, presentMiniAsset(links, d).id);
    assert.equal(v.type, 'assetversion');
    assert.equal(v.type_id, null);
    assert.equal(v.status, 'inactive');
    assert.equal(v.version, '1');
    assert.equal(v.filename, 'Sample Image.JPG');
    assert.equal(v.filetype, 'jpg');
    assert.deepEqual(v.user, { type: 'user', id: null, email: null, name: ' ', username: null, status: null });
    assert.equal(v.watched, null);
    assert.deepEqual(v.metadata, { required: [] });
    assert.match(v.thumbnailurls[0]?.url ?? '', /\/v1_thumbnail\.[a-z]+$/);
    assert.equal((await fetchUrl(t, v.thumbnailurls[0]?.url ?? '')).status, 200);
  });

  test('another workspace\'s asset id loads nothing; a trashed asset neither', async () => {
    assert.deepEqual(await loadAssetShapes(t.deps.db, { workspaceId: b.workspaceId, viewerId: b.userId, assetIds: [assetId] }), []);
    const other = await uploadImage(t, a, 'gone.png');
    assert.equal((await t.req('DELETE', `/workspaces/assets/${other.id}`, { headers: a.headers })).status < 300, true);
    assert.deepEqual(await loadAssetShapes(t.deps.db, { workspaceId: a.workspaceId, viewerId: a.userId, assetIds: [other.id] }), []);
  });
  test('signed media URLs: a changed signature, another derivative or an expired URL is refused; no token needed', async () => {
    const mini = presentMiniAsset(links, await load());
    const url = mini.thumburl.thumb150;
    const parts = url.slice(BASE.length).split('/');
    // ['', 'workstream', 'media', ws, derivative, expires, sig, name]
    const forged = [...parts];
    forged[6] = `${(parts[6] ?? '').slice(0, -2)}AA`;
    const res = await t.app.inject({ method: 'GET', url: forged.join('/') });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'media_signature_invalid');
    // The signature names its workspace: tenant b's workspace id in the path does not verify.
    const moved = [...parts];
    moved[3] = b.workspaceId;
    assert.equal((await t.app.inject({ method: 'GET', url: moved.join('/') })).statusCode, 403);
    // Valid till the end of the next UTC day, then 403.
    const expires = Number(parts[5]);
    assert.ok(expires * 1000 - t.clock.now().getTime() > 86_400_000 - 1000);
    t.clock.advance(expires + 1 - Math.floor(t.clock.now().getTime() / 1000));
    const late = await t.app.inject({ method: 'GET', url: url.slice(BASE.length) });
    assert.equal(late.statusCode, 403);
    assert.equal(late.json().code, 'media_url_expired');
  });

});
