import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enqueueJob } from '../../../src/jobs/queue.js';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { randomData, sha256, uploadRaw } from './assets-fixtures.js';

const DAY = 86400;

/** Rows a version delete or restore may touch, plus the stored blobs. */
async function counts(t: TestApp): Promise<number[]> {
  const deleted = await t.deps.db.selectFrom('asset_versions').select('id').where('deleted_at', 'is not', null).execute();
  return [await t.count('asset_versions'), deleted.length, await t.count('history_events'), await t.blobCount()];
}

describeEachDatabase('asset versions: delete (trashed versions) and restore', (t) => {
  /** An asset with versions 1..n holding the given bytes; answers the asset and the version ids, oldest first. */
  let n = 0;
  const assetWithVersions = async (ten: Tenant, contents: Buffer[]): Promise<{ id: string; versions: string[] }> => {
    const [first, ...rest] = contents;
    n += 1;
    const a = await uploadRaw(t, ten, first ?? Buffer.from('x'), { file_name: `model-${n}.bin` });
    assert.equal(a.status, 201, a.text);
    const versions: string[] = [a.body.current_version_id];
    for (const data of rest) {
      const v = await uploadRaw(t, ten, data, { file_name: `model-${n}.bin` }, 'application/octet-stream', `/workspaces/assets/${a.body.id}/versions`);
      assert.equal(v.status, 201, v.text);
      versions.push(v.body.id);
    }
    return { id: a.body.id, versions };
  };
  const vurl = (assetId: string, versionId: string) => `/workspaces/assets/${assetId}/versions/${versionId}`;
  const numbers = async (ten: Tenant, assetId: string, query: Record<string, string> = {}): Promise<number[]> => {
    const res = await t.req('GET', `/workspaces/assets/${assetId}/versions`, { headers: ten.headers, query });
    assert.equal(res.status, 200, res.text);
    return res.body.map((v: { version_number: number }) => v.version_number);
  };

  test('DELETE moves a version to the trashed versions; restore (PATCH, or POST) brings it back; history both ways', async () => {
    const ten = await t.factory.tenant();
    const { id, versions } = await assetWithVersions(ten, [Buffer.from('one'), Buffer.from('two'), Buffer.from('three')]);
    const [v1, v2, v3] = versions as [string, string, string];
    const del = await t.req('DELETE', vurl(id, v2), { headers: ten.headers });
    assert.equal(del.status, 200, del.text);
    assert.equal(del.body.id, v2);
    assert.equal(del.body.version_number, 2);
    assert.equal(typeof del.body.deleted_at, 'string');
    assert.equal(del.body.checksum, sha256(Buffer.from('two')));
    assert.deepEqual(await numbers(ten, id), [3, 1]);
    assert.deepEqual(await numbers(ten, id, { trashed: 'true' }), [2]);
    const asset = await t.req('GET', `/workspaces/assets/${id}`, { headers: ten.headers });
    assert.deepEqual(asset.body.versions.map((v: { id: string }) => v.id), [v3, v1]);
    assert.equal(asset.body.current_version_id, v3);
    // A deleted version is gone from the version routes and downloads.
    assert.equal((await t.req('GET', vurl(id, v2), { headers: ten.headers })).status, 404);
    assert.equal((await t.req('GET', `${vurl(id, v2)}/download`, { headers: ten.headers })).status, 404);
    // Deleting it again answers it as is, with no second history row.
    const before = await counts(t);
    const again = await t.req('DELETE', vurl(id, v2), { headers: ten.headers });
    assert.equal(again.status, 200);
    assert.equal(again.body.deleted_at, del.body.deleted_at);
    assert.deepEqual(await counts(t), before);

    const restored = await t.req('PATCH', `${vurl(id, v2)}/restore`, { headers: ten.headers });
    assert.equal(restored.status, 200, restored.text);
    assert.equal(restored.body.id, v2);
    assert.equal(restored.body.deleted_at, null);
    assert.deepEqual(await numbers(ten, id), [3, 2, 1]);
    assert.deepEqual(await numbers(ten, id, { trashed: 'true' }), []);
    // Restoring does not change which version is current.
    assert.equal((await t.req('GET', `/workspaces/assets/${id}`, { headers: ten.headers })).body.current_version_id, v3);
    assert.deepEqual((await t.req('GET', vurl(id, v2), { headers: ten.headers })).body, restored.body);
    // A live version: restore answers it as is.
    const live = await t.req('POST', `${vurl(id, v2)}/restore`, { headers: ten.headers });
    assert.equal(live.status, 200);
    assert.deepEqual(live.body, restored.body);

    const h = await t.deps.db.selectFrom('history_events').select(['type', 'data', 'user_id', 'asset_id']).where('record_id', '=', v2).where('type', 'like', 'version_%deleted').orderBy('sequence').execute();
    assert.deepEqual(h.map((x) => x.type), ['version_deleted', 'version_undeleted']);
    assert.deepEqual(JSON.parse(h[0]?.data ?? '{}'), { version_number: 2, name: 'Version 2' });
    assert.equal(h[0]?.user_id, ten.userId);
    assert.equal(h[0]?.asset_id, id);
    const feed = await t.req('GET', `/workspaces/assets/${id}/history`, { headers: ten.headers });
    assert.equal(feed.status, 200);
    assert.ok(JSON.stringify(feed.body).includes('version_deleted'));
  });

  test('the current version and the only version are refused (409), nothing written; delete after make-current works', async () => {
    const ten = await t.factory.tenant();
    const only = await assetWithVersions(ten, [Buffer.from('alone')]);
    const { id, versions } = await assetWithVersions(ten, [Buffer.from('a'), Buffer.from('b')]);
    const [v1, v2] = versions as [string, string];
    const before = await counts(t);
    const onlyRes = await t.req('DELETE', vurl(only.id, only.versions[0] ?? ''), { headers: ten.headers });
    assert.equal(onlyRes.status, 409);
    assert.equal(onlyRes.body.error.code, 'version_is_only');
    const current = await t.req('DELETE', vurl(id, v2), { headers: ten.headers });
    assert.equal(current.status, 409);
    assert.equal(current.body.error.code, 'version_is_current');
    assert.match(current.body.error.message, /current/);
    assert.deepEqual(await counts(t), before);
    // The way out: make v1 current (a new version 3 with v1's bytes), then v2 may go.
    assert.equal((await t.req('POST', `${vurl(id, v1)}/current`, { headers: ten.headers })).status, 200);
    assert.equal((await t.req('DELETE', vurl(id, v2), { headers: ten.headers })).status, 200);
    assert.deepEqual(await numbers(ten, id), [3, 1]);
    // A new upload after a delete takes the next number, never a deleted one's.
    const next = await uploadRaw(t, ten, Buffer.from('c'), { file_name: 'next.bin' }, 'application/octet-stream', `/workspaces/assets/${id}/versions`);
    assert.equal(next.body.version_number, 4);
  });

  test('locks: 423 for someone else\'s lock (nothing written), allowed for the holder; a trashed asset is 409', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const { id, versions } = await assetWithVersions(ten, [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')]);
    const [v1, v2] = versions as [string, string];
    assert.equal((await t.req('POST', `/workspaces/assets/${id}/lock`, { headers: ten.headers })).status, 200);
    const before = await counts(t);
    const locked = await t.req('DELETE', vurl(id, v1), { headers: editor.headers });
    assert.equal(locked.status, 423);
    assert.equal(locked.body.error.code, 'asset_locked');
    assert.deepEqual(await counts(t), before);
    assert.equal((await t.req('DELETE', vurl(id, v1), { headers: ten.headers })).status, 200);
    const lockedRestore = await t.req('PATCH', `${vurl(id, v1)}/restore`, { headers: editor.headers });
    assert.equal(lockedRestore.status, 423);
    assert.deepEqual(await numbers(ten, id, { trashed: 'true' }), [1]);
    assert.equal((await t.req('DELETE', `/workspaces/assets/${id}/lock`, { headers: ten.headers })).status, 200);
    assert.equal((await t.req('PATCH', `${vurl(id, v1)}/restore`, { headers: editor.headers })).status, 200);
    // In the trash, the asset's versions are left alone.
    assert.equal((await t.req('DELETE', `/workspaces/assets/${id}`, { headers: ten.headers })).status, 200);
    const inTrash = await t.req('DELETE', vurl(id, v2), { headers: ten.headers });
    assert.equal(inTrash.status, 409);
    assert.equal(inTrash.body.error.code, 'asset_in_trash');
  });

  test("another tenant's ids are 404, bad ids 404, a viewer 403, no token 401: nothing written", async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const mine = await assetWithVersions(ten, [Buffer.from('m1'), Buffer.from('m2')]);
    const theirs = await assetWithVersions(other, [Buffer.from('t1'), Buffer.from('t2')]);
    const [m1] = mine.versions as [string];
    const [t1] = theirs.versions as [string];
    // A trashed version of theirs, so restore has something it could wrongly bring back.
    assert.equal((await t.req('DELETE', vurl(theirs.id, t1), { headers: other.headers })).status, 200);
    const before = await counts(t);
    const cases: Array<[string, string, string]> = [
      ['DELETE', vurl(theirs.id, t1), 'asset_not_found'],
      ['PATCH', `${vurl(theirs.id, t1)}/restore`, 'asset_not_found'],
      ['DELETE', vurl(mine.id, t1), 'version_not_found'],
      ['PATCH', `${vurl(mine.id, t1)}/restore`, 'version_not_found'],
      ['POST', `${vurl(mine.id, t1)}/restore`, 'version_not_found'],
      ['DELETE', vurl(mine.id, 'not-a-uuid'), 'version_not_found'],
      ['PATCH', `${vurl('not-a-uuid', m1)}/restore`, 'asset_not_found'],
    ];
    for (const [method, url, code] of cases) {
      const res = await t.req(method as 'DELETE', url, { headers: ten.headers });
      assert.equal(res.status, 404, `${method} ${url}: ${res.text}`);
      assert.equal(res.body.error.code, code, `${method} ${url}`);
    }
    const trashedList = await t.req('GET', `/workspaces/assets/${theirs.id}/versions`, { headers: ten.headers, query: { trashed: 'true' } });
    assert.equal(trashedList.status, 404);
    const badQuery = await t.req('GET', `/workspaces/assets/${mine.id}/versions`, { headers: ten.headers, query: { trashed: 'maybe' } });
    assert.equal(badQuery.status, 400);
    for (const [method, url] of [['DELETE', vurl(mine.id, m1)], ['PATCH', `${vurl(mine.id, m1)}/restore`]] as const) {
      const res = await t.req(method, url, { headers: viewer.headers });
      assert.equal(res.status, 403, `${method} ${url}`);
      const anon = await t.req(method, url, { headers: { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId } });
      assert.equal(anon.status, 401);
    }
    assert.deepEqual(await counts(t), before);
    assert.deepEqual(await numbers(other, theirs.id, { trashed: 'true' }), [1]);
  });

  test('trashed versions are purged with the trash retention; the blob sweep then reclaims bytes no row shares', async () => {
    const ten = await t.factory.tenant();
    const set = await t.req('PUT', '/accounts/settings/trash_retention_days', { headers: ten.headers, json: { value: 2 } });
    assert.equal(set.status, 200, set.text);
    const own = randomData(33);
    const shared = randomData(34);
    const { id, versions } = await assetWithVersions(ten, [own, shared, randomData(35)]);
    const [v1, v2] = versions as [string, string];
    // Another asset holds the same bytes as v2 (dedup): those must survive v2's purge.
    await uploadRaw(t, ten, shared, { file_name: 'copy.bin' });
    await t.req('POST', `/workspaces/assets/${id}/reviews`, { headers: ten.headers, query: { content: 'on v1', asset_version_id: v1 } });
    assert.equal((await t.req('DELETE', vurl(id, v1), { headers: ten.headers })).status, 200);
    assert.equal((await t.req('DELETE', vurl(id, v2), { headers: ten.headers })).status, 200);
    const exists = async (vid: string): Promise<boolean> => (await t.deps.db.selectFrom('asset_versions').select('id').where('id', '=', vid).executeTakeFirst()) !== undefined;
    const runJob = async (name: string): Promise<void> => {
      await enqueueJob(t.deps, name as 'trash.purge_expired', {});
      await t.jobs.runUntilIdle();
    };

    t.clock.advance(1 * DAY);
    await runJob('trash.purge_expired');
    assert.deepEqual([await exists(v1), await exists(v2)], [true, true]);

    t.clock.advance(1.5 * DAY);
    await runJob('trash.purge_expired');
    assert.deepEqual([await exists(v1), await exists(v2)], [false, false]);
    const purged = await t.deps.db.selectFrom('history_events').select(['record_id', 'data']).where('type', '=', 'version_purged').where('asset_id', '=', id).execute();
    assert.deepEqual(purged.map((p) => p.record_id).sort(), [v1, v2].sort());
    assert.equal(JSON.parse(purged[0]?.data ?? '{}').reason, 'retention');
    // The review of the purged version stays, without its version.
    const review = await t.deps.db.selectFrom('reviews').select(['asset_version_id']).where('asset_id', '=', id).executeTakeFirstOrThrow();
    assert.equal(review.asset_version_id, null);
    // Bytes are still there until the sweep, never deleted inline.
    assert.equal(await t.deps.blobs.exists(sha256(own)), true);

    t.clock.advance(2 * DAY);
    await runJob('blobs.sweep');
    assert.equal(await t.deps.blobs.exists(sha256(own)), false);
    assert.equal(await t.deps.blobs.exists(sha256(shared)), true);
    const token = await t.factory.token(ten.key, ten.secret, ten.accountId);
    const asset = await t.req('GET', `/workspaces/assets/${id}`, { headers: { ...ten.headers, authorization: `Bearer ${token}` } });
    assert.equal(asset.status, 200);
    assert.deepEqual(asset.body.versions.map((v: { version_number: number }) => v.version_number), [3]);
  });
});
