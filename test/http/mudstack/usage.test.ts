import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { randomData } from './assets-fixtures.js';
import { uploadFile } from './downloads-fixtures.js';

describeEachDatabase('usage: dedup, trash and purge', (t) => {
  const usage = async (ten: Tenant) => {
    const res = await t.req('GET', '/workspaces/usage', { headers: ten.headers });
    assert.equal(res.status, 200, res.text);
    return res.body as { members: number; storage: number; assets: number };
  };
  const limits = async (ten: Tenant) => {
    const res = await t.req('GET', '/accounts/limits', { headers: ten.headers });
    assert.equal(res.status, 200, res.text);
    return [res.body.storage.current, res.body.assets.current];
  };

  test('storage counts distinct blobs once; trashed assets keep their bytes until purged; assets counts live ones', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    assert.deepEqual(await usage(ten), { members: 1, storage: 0, assets: 0 });
    const x = randomData(1000);
    const z = randomData(300);
    const a = await uploadFile(t, ten, 'a.bin', x);
    const b = await uploadFile(t, ten, 'b.bin', x);
    assert.deepEqual(await usage(ten), { members: 1, storage: 1000, assets: 2 });
    // A new version with new bytes adds them; the old version's bytes are still stored.
    await uploadFile(t, ten, 'a.bin', z);
    assert.deepEqual(await usage(ten), { members: 1, storage: 1300, assets: 2 });
    // The same bytes again (another asset, and the make-current path) add nothing.
    const c = await uploadFile(t, ten, 'c.bin', z);
    const made = await t.req('POST', `/workspaces/assets/${a.id}/versions/${a.current_version_id}/current`, { headers: ten.headers });
    assert.equal(made.status, 200, made.text);
    assert.deepEqual(await usage(ten), { members: 1, storage: 1300, assets: 3 });
    assert.deepEqual(await limits(ten), [1300, 3]);

    // Trash: the asset no longer counts, its bytes still do.
    await t.req('DELETE', '/workspaces/assets', { headers: ten.headers, json: { ids: [b.id, c.id] } });
    assert.deepEqual(await usage(ten), { members: 1, storage: 1300, assets: 1 });
    // Purge: bytes no other version of the workspace uses stop counting.
    assert.equal((await t.req('DELETE', `/workspaces/trash/${b.id}`, { headers: ten.headers })).status, 200);
    assert.deepEqual(await usage(ten), { members: 1, storage: 1300, assets: 1 });
    await t.req('DELETE', `/workspaces/assets/${a.id}`, { headers: ten.headers });
    assert.deepEqual((await t.req('POST', '/workspaces/trash/empty', { headers: ten.headers })).body, { purged: 2 });
    assert.deepEqual(await usage(ten), { members: 1, storage: 0, assets: 0 });
    assert.deepEqual(await limits(ten), [0, 0]);
    // Another tenant's usage is its own, even for identical bytes.
    await uploadFile(t, other, 'x.bin', x);
    assert.deepEqual(await usage(other), { members: 1, storage: 1000, assets: 1 });
    assert.deepEqual(await usage(ten), { members: 1, storage: 0, assets: 0 });
    assert.equal((await t.req('GET', '/workspaces/usage')).status, 401);
  });
});
