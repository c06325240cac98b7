import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { findBlobReferences } from '../../../src/domain/blob-sweep/blob-sweep.service.js';
import { blobsSweepJob } from '../../../src/domain/blob-sweep/blobs-sweep.job.js';
import { enqueue } from '../../../src/jobs/queue.js';
import { describeEachDatabaseAndStore } from '../../harness/app.js';
import { randomData, sha256 } from './assets-fixtures.js';
import { uploadFile } from './downloads-fixtures.js';

describeEachDatabaseAndStore('blob sweep (blobs.sweep)', (t) => {
  const sweep = async (): Promise<void> => {
    await enqueue(t.deps, blobsSweepJob, {});
    await t.jobs.runUntilIdle();
  };
  const grace = 86400;

  test('scheduled hourly; every blob_key / *_blob_key column counts as a reference', async () => {
    assert.deepEqual(t.deps.jobs.registry.schedules().find((s) => s.name === 'blobs.sweep'), { name: 'blobs.sweep', everySeconds: 3600, payload: {} });
    assert.equal(t.config.blobSweep.graceSeconds, grace);
    const refs = (await findBlobReferences(t.deps.db)).map((r) => `${r.table}.${r.column}`);
    for (const r of ['accounts.thumbnail_blob_key', 'asset_versions.blob_key', 'asset_versions.thumbnail_blob_key', 'derivatives.blob_key', 'users.avatar_blob_key', 'workspaces.thumbnail_blob_key']) {
      assert.ok(refs.includes(r), r);
    }
  });

  test('deletes unreferenced blobs and temp files once older than the grace period; keeps referenced and young ones', async () => {
    const ten = await t.factory.tenant();
    const kept = randomData(100);
    const a = await uploadFile(t, ten, 'kept.bin', kept);
    const orphan = await t.deps.blobs.put(Readable.from(randomData(50)));
    const thumb = await t.deps.blobs.put(Readable.from(randomData(60)));
    await t.deps.db.updateTable('accounts').set({ thumbnail_blob_key: thumb.key }).where('id', '=', ten.accountId).execute();
    const uploadId = randomUUID();
    await t.deps.blobs.putTemp(uploadId, Readable.from(randomData(30)));

    // Young: nothing goes, whatever references it (an upload may not have committed yet).
    await sweep();
    assert.deepEqual(
      [await t.deps.blobs.exists(sha256(kept)), await t.deps.blobs.exists(orphan.key), await t.deps.blobs.exists(thumb.key)],
      [true, true, true],
    );

    t.clock.advance(grace + 60);
    await sweep();
    assert.equal(await t.deps.blobs.exists(orphan.key), false);
    assert.equal(await t.deps.blobs.exists(sha256(kept)), true);
    assert.equal(await t.deps.blobs.exists(thumb.key), true);
    await assert.rejects(t.deps.blobs.adopt(uploadId), (err: Error & { code?: string }) => err.code === 'upload_not_found');
    // Access tokens expired with the clock jump: a fresh one for the request.
    const token = await t.factory.token(ten.key, ten.secret, ten.accountId);
    const dl = await t.req('GET', `/workspaces/assets/${a.id}/download`, { headers: { ...ten.headers, authorization: `Bearer ${token}` } });
    assert.equal(dl.status, 200);
    assert.equal(dl.headers['content-length'], '100');
  });

  test('after a purge the bytes go with the next sweep, unless another asset shares them (dedup)', async () => {
    const ten = await t.factory.tenant();
    const shared = randomData(40);
    const own = randomData(41);
    const a = await uploadFile(t, ten, 'a.bin', shared);
    await uploadFile(t, ten, 'copy.bin', shared);
    const b = await uploadFile(t, ten, 'b.bin', own);
    await t.req('DELETE', '/workspaces/assets', { headers: ten.headers, json: { ids: [a.id, b.id] } });
    // In the trash the bytes are still referenced: the sweep keeps them.
    t.clock.advance(grace + 60);
    await sweep();
    assert.deepEqual([await t.deps.blobs.exists(sha256(shared)), await t.deps.blobs.exists(sha256(own))], [true, true]);
    const token = await t.factory.token(ten.key, ten.secret, ten.accountId);
    const emptied = await t.req('POST', '/workspaces/trash/empty', { headers: { ...ten.headers, authorization: `Bearer ${token}` } });
    assert.deepEqual(emptied.body, { purged: 2 });
    await sweep();
    assert.deepEqual([await t.deps.blobs.exists(sha256(shared)), await t.deps.blobs.exists(sha256(own))], [true, false]);
  });
});
