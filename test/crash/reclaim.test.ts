import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { reclaimCrashLeftovers } from '../../src/domain/blob-sweep/crash-reclaim.service.js';
import { newId } from '../../src/lib/ids.js';
import { OWNER_TAG } from '../../src/lib/process-owner.js';
import type { S3BlobStore } from '../../src/blobs/s3.js';
import { parseS3Url } from '../../src/blobs/s3-url.js';
import { describeEachDatabaseAndStore, type BlobStoreKind, type TestApp } from '../harness/app.js';
import { randomData, sha256 } from '../http/mudstack/assets-fixtures.js';

// Issue #13 item 7: what a killed process left is reclaimed at the next start, and nothing a live process (or a
// process on another host sharing the store) may still commit is ever touched.

/** The pid of a process that has exited (a pid that no longer runs). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const deadTag = (): string => `w-${deadPid()}-0badb007-${HOST}`;

/** The store's temp area, the same way on disk (`<data>/blobs/tmp/`) and on S3 (`<prefix>tmp/`). */
function tempArea(t: TestApp, store: BlobStoreKind) {
  if (store === 'disk') {
    const dir = join(t.config.dataDir, 'blobs', 'tmp');
    return {
      names: async () => (await readdir(dir)).sort(),
      write: (name: string, body: string) => writeFile(join(dir, name), body),
      remove: (name: string) => rm(join(dir, name)),
    };
  }
  const { client } = t.deps.blobs as S3BlobStore;
  const { bucket, prefix } = parseS3Url(String(t.config.storageUrl));
  const key = (name: string) => `${prefix}tmp/${name}`;
  return {
    names: async () => ((await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key('') }))).Contents ?? []).map((o) => String(o.Key).slice(key('').length)).sort(),
    write: async (name: string, body: string) => void (await client.send(new PutObjectCommand({ Bucket: bucket, Key: key(name), Body: body, ContentLength: Buffer.byteLength(body) }))),
    remove: async (name: string) => void (await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key(name) }))),
  };
}

describeEachDatabaseAndStore('crash reclaim: leftovers of dead writers only', (t, store) => {
  test('temp files: a dead writer\'s are removed, an adopt claim goes back to its upload; live and foreign ones stay', { skip: store === 's3' && 'disk only: S3 temp objects have no chunks or adopt claims (see the parked-blob test)' }, async () => {
    const tmp = tempArea(t, store);
    const uploadId = newId();
    const dead = deadTag();
    const partial = `${newId()}.${dead}`;
    const chunk = `${newId()}.part-${newId()}.${dead}`;
    const adopting = `${uploadId}.adopt-${newId()}.${dead}`;
    const live = `${newId()}.${OWNER_TAG}`;
    const otherHost = `${newId()}.w-${deadPid()}-0badb007-00000000`;
    const untagged = newId();
    for (const name of [partial, chunk, live, otherHost, untagged]) {
      await tmp.write(name, 'x');
    }
    await tmp.write(adopting, 'the upload bytes');
    const report = await reclaimCrashLeftovers(t.deps);
    assert.equal(report.tempFiles, 3);
    assert.deepEqual(await tmp.names(), [live, otherHost, untagged, uploadId].sort());
    const restored = Buffer.concat(await (await t.deps.blobs.getTemp(uploadId)).toArray());
    assert.equal(restored.toString(), 'the upload bytes', 'the adopt claim is the upload\'s temp bytes again');
    for (const name of [live, otherHost, untagged, uploadId]) {
      await tmp.remove(name);
    }
  });

  test('temp objects: a dead writer\'s whole put is removed, a blob a dead reaper parked goes back; live and foreign ones stay', async () => {
    const tmp = tempArea(t, store);
    const dead = deadTag();
    const parkedData = randomData(3000);
    const parked = `${sha256(parkedData)}.reap-${newId()}.${dead}`;
    const put = `${newId()}.${dead}`;
    const live = `${newId()}.${OWNER_TAG}`;
    const otherHost = `${newId()}.w-${deadPid()}-0badb007-00000000`;
    await tmp.write(put, 'x');
    await tmp.write(live, 'x');
    await tmp.write(otherHost, 'x');
    await tmp.write(parked, parkedData.toString('latin1'));
    const report = await reclaimCrashLeftovers(t.deps);
    assert.equal(report.tempFiles, 2);
    assert.deepEqual(await tmp.names(), [live, otherHost].sort());
    assert.equal(await t.deps.blobs.exists(sha256(parkedData)), true, 'the parked blob is back at its address');
    for (const name of [live, otherHost]) {
      await tmp.remove(name);
    }
  });

  test('held blobs: a dead upload\'s is deleted; one a row references, one a live upload holds, one a committable upload may adopt are kept', async () => {
    const tmp = tempArea(t, store);
    const ten = await t.factory.tenant();
    const orphan = await t.deps.blobs.put(randomData(5000));
    // Committed, but its process died before ending the hold.
    const data = randomData(6000);
    const up = await t.req('POST', '/workspaces/assets', { headers: { ...ten.headers, 'content-type': 'application/octet-stream' }, payload: data, query: { file_name: 'kept.bin' } });
    assert.equal(up.status, 201, up.text);
    // The same content as a dead upload's, held by a live upload about to commit.
    const shared = await t.deps.blobs.put(randomData(7000), { hold: {} });
    assert.ok(shared.hold, 'the store makes a hold');
    // A presigned upload that can still be committed (its retry finds the bytes by checksum).
    const session = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'p.bin' } });
    assert.equal(session.status, 200, session.text);
    const adopted = await t.deps.blobs.put(randomData(8000));

    const dead = deadTag();
    const hold = (key: string, upload = 'none') => `${key}.hold-${upload}-${newId()}.${dead}`;
    const holds = [hold(orphan.key), hold(sha256(data)), hold(shared.key), hold(adopted.key, session.body.key)];
    for (const name of holds) {
      await tmp.write(name, '');
    }
    const report = await reclaimCrashLeftovers(t.deps);
    assert.equal(report.blobs, 1, 'only the dead upload\'s blob');
    assert.equal(await t.deps.blobs.exists(orphan.key), false);
    assert.equal(await t.deps.blobs.exists(sha256(data)), true, 'referenced by a version');
    assert.equal(await t.deps.blobs.exists(shared.key), true, 'held by a live upload');
    assert.equal(await t.deps.blobs.exists(adopted.key), true, 'its upload can still be committed');
    // The judged holds are gone; the committable upload's stays to be judged again; the live one is untouched.
    assert.deepEqual(await tmp.names(), [holds[3], shared.hold].sort());

    // Once the upload is over (expired and deleted here), the next reclaim removes the bytes.
    await t.deps.db.deleteFrom('upload_sessions').where('id', '=', session.body.key).execute();
    assert.equal((await reclaimCrashLeftovers(t.deps)).blobs, 1);
    assert.equal(await t.deps.blobs.exists(adopted.key), false);
    await t.deps.blobs.releaseHold(shared.hold);
    assert.deepEqual(await tmp.names(), []);
  });
});
