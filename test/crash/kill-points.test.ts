import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createBlobStore } from '../../src/blobs/create-blob-store.js';
import { loadConfig } from '../../src/config/config.js';
import { createDatabase } from '../../src/db/database.js';
import { CliEnv } from '../cli/cli-harness.js';
import { BLOB_STORES, type BlobStoreKind } from '../harness/app.js';
import { DATABASES, type DatabaseKind } from '../harness/databases.js';
import { startS3Server, type S3TestServer } from '../harness/s3-server.js';
import { CrashRig, randomData, sha256, tusClient, waitFor, wav } from './crash-fixtures.js';

/*
 * Issue #13, "make it permanent": real `atelier serve` processes kill themselves (SIGKILL) at named steps of every
 * upload path, of a derivative job (first and last attempt) and of a bulk ZIP; the next process is started on the
 * same data and checked. To keep the run short, each restarted server is both the recovery of the previous kill and
 * the victim of the next one (armed with a point the recovery does not pass). At the end, a clean server settles
 * what is left and the data is checked as a whole: no asset without its bytes, no upload stuck, every job settled,
 * no derivative pending, nothing a killed process wrote left behind.
 */

/*
 * Each database on the disk store, and PostgreSQL on the S3-compatible store too (the multi-host deployment,
 * docs/deployment.md); the signed PUT goes to S3 itself there, so its kill point is not Atelier's.
 */
const RUNS: Array<[DatabaseKind, BlobStoreKind]> = [
  ...DATABASES.map((kind): [DatabaseKind, BlobStoreKind] => [kind, 'disk']),
  ...(DATABASES.includes('postgres') && BLOB_STORES.includes('s3') ? [['postgres', 's3'] as [DatabaseKind, BlobStoreKind]] : []),
];

for (const [kind, store] of RUNS) {
  describe(`crash suite: kill -9 at every step, then restart [${kind}, ${store} store]`, () => {
    const cli = new CliEnv(kind);
    let s3: S3TestServer | undefined;
    after(async () => {
      await cli.stop();
      await s3?.stop();
    });

    test('every interrupted upload, job and download finishes or fails cleanly, and leftovers are reclaimed', async () => {
      s3 = store === 's3' ? await startS3Server() : undefined;
      const rig = new CrashRig(cli, s3);
      await rig.init();
      const tus = tusClient(rig);
      /** A signed PUT's answer: Atelier's own (disk store) or S3's. */
      const signedPutOk = store === 'disk' ? 204 : 200;
      /** Bytes every committed version must hold, by checksum. */
      const committed = new Set<string>();
      const assertNoDeadWriterFiles = async (after: string) => assert.deepEqual(await rig.deadWriterFiles(), [], `temp files of killed writers left after ${after}`);
      /** No upload is open at these points, so nothing at all may be left in the temp area. */
      const assertTempEmpty = async (after: string) => assert.deepEqual(await rig.tempFiles(), [], `temp files left after ${after}`);
      const blobExists = (b: Buffer) => createBlobStore(loadConfig(cli.env)).exists(sha256(b));

      // 1. Streaming upload, killed after its blob is in place but before the commit transaction.
      const d1 = randomData(300_000);
      await rig.start('upload.stream.after-put');
      await rig.expectDeath('upload.stream.after-put', () => rig.uploadStream(d1, 'one.bin'));

      // 2. The blob of the upload that never committed is reclaimed at start; the retry commits.
      await rig.start('upload.tus.after-join');
      assert.equal(await blobExists(d1), false, 'the uncommitted blob of the killed upload is reclaimed at start');
      const r1 = await rig.uploadStream(d1, 'one.bin');
      assert.equal(r1.status, 201, JSON.stringify(r1.body));
      assert.equal(r1.body.currentVersion.checksum, sha256(d1));
      committed.add(sha256(d1));
      // tus, killed while completing: the parts are joined into a blob, the commit has not run.
      const d2 = randomData(250_000);
      const t1 = await tus.create(d2.length, 'two.bin', sha256(d2));
      await rig.expectDeath('upload.tus.after-join', () => tus.patch(t1, 0, d2));

      // 3. S3: the joined blob is reclaimed (the parts remain). Disk: the upload's file was adopted whole, its blob held
      // for the upload, so it stays while the upload can still be committed (as a presigned adopt's). Either way an
      // empty PATCH at the full offset completes the upload.
      await rig.start('upload.presigned.after-adopt');
      assert.equal(await blobExists(d2), store === 'disk', 'the blob of the killed completion: kept for the retry (disk), reclaimed (S3)');
      const h1 = await tus.head(t1);
      assert.deepEqual([h1.offset, h1.assetId], [d2.length, null]);
      const done1 = await tus.patch(t1, d2.length, Buffer.alloc(0));
      assert.equal(done1.status, 204, done1.text);
      assert.ok(done1.assetId, 'the retried completion reports its asset');
      committed.add(sha256(d2));
      // Presigned with a declared checksum, killed after adopt moved the bytes to their address, before the rows.
      const d3 = randomData(200_000);
      const p1 = await rig.json('POST', '/workspaces/assets/upload', { json: { name: 'three.bin', checksum: sha256(d3), size: d3.length } });
      assert.equal(p1.status, 200, JSON.stringify(p1.body));
      const put1 = await fetch(p1.body.signed_url, { method: 'PUT', body: new Uint8Array(d3) });
      assert.equal(put1.status, signedPutOk);
      const commitP1 = () => rig.json('POST', '/workspaces/assets/upload/assets', { json: { temp_file_key: p1.body.key, original_file_name: 'three.bin' } });
      await rig.expectDeath('upload.presigned.after-adopt', commitP1);

      // 4. The adopted blob is kept for the retry (the upload can still commit); the retried commit finishes it.
      await rig.start('upload.stream.mid-body');
      assert.equal(await blobExists(d3), true, 'an adopted blob is kept while its upload can still be committed');
      const c1 = await commitP1();
      assert.equal(c1.status, 200, JSON.stringify(c1.body));
      assert.equal(c1.body.currentVersion.checksum, sha256(d3));
      committed.add(sha256(d3));
      // Streaming upload killed in the middle of its body.
      const d4 = randomData(3 * 1024 * 1024);
      await rig.expectDeath('upload.stream.mid-body', () => rig.uploadStream(d4, 'four.bin'));

      // 5. Its partial temp file is reclaimed at start; the retry succeeds.
      await rig.start('upload.tus.mid-patch');
      await assertTempEmpty('a kill mid-body');
      const r4 = await rig.uploadStream(d4, 'four.bin');
      assert.equal(r4.status, 201, JSON.stringify(r4.body));
      committed.add(sha256(d4));
      // tus killed in the middle of a PATCH.
      const d5 = randomData(1024 * 1024);
      const t2 = await tus.create(d5.length, 'five.bin');
      await rig.expectDeath('upload.tus.mid-patch', () => tus.patch(t2, 0, d5));

      const t2File = t2.split('/').pop()!;
      if (store === 'disk') {
        // 5b. Disk: the upload's one file stays (it is the upload's, not a dead writer's); the resumed PATCH takes the
        // killed writer's claim over at once and is killed itself after its bytes are written and fsynced, before
        // the offset moves.
        await rig.start('upload.tus.after-write');
        assert.deepEqual(await rig.tempFiles(), [t2File], 'only the upload\'s own file after a kill mid-PATCH');
        assert.equal((await tus.head(t2)).offset, 0, 'the cut chunk is not counted');
        await rig.expectDeath('upload.tus.after-write', () => tus.patch(t2, 0, d5));
      }

      // 6. The upload resumes from its offset (S3: the chunk's partial object was reclaimed; disk: the file holds the
      // whole written chunk, longer than the offset, and the next PATCH cuts it back before writing).
      await rig.start('upload.signed-put.mid-body');
      if (store === 'disk') {
        assert.deepEqual(await rig.tempFiles(), [t2File]);
        assert.equal(statSync(join(cli.dataDir, 'blobs', 'tmp', t2File)).size, d5.length, 'written and fsynced, not counted');
      } else {
        await assertTempEmpty('a kill mid-PATCH');
      }
      const h2 = await tus.head(t2);
      assert.equal(h2.offset, 0, 'the cut chunk is not counted');
      const done2 = await tus.patch(t2, 0, d5);
      assert.equal(done2.status, 204, done2.text);
      assert.ok(done2.assetId);
      committed.add(sha256(d5));
      // Presigned (no checksum) killed in the middle of the signed PUT (on S3 the PUT is S3's: killed after it).
      const d6 = randomData(1024 * 1024);
      const p2 = await rig.json('POST', '/workspaces/assets/upload', { json: { name: 'six.bin' } });
      assert.equal(p2.status, 200);
      if (store === 'disk') {
        await rig.expectDeath('upload.signed-put.mid-body', () => fetch(p2.body.signed_url, { method: 'PUT', body: new Uint8Array(d6) }));
      } else {
        assert.equal((await fetch(p2.body.signed_url, { method: 'PUT', body: new Uint8Array(d6) })).status, signedPutOk);
        rig.server.child.kill('SIGKILL');
        await rig.expectDeath('a kill after the signed PUT', async () => undefined);
      }

      // 7. The PUT's partial file is reclaimed; the PUT is repeated and committed.
      await rig.start('upload.tus.after-commit');
      if (store === 'disk') {
        await assertTempEmpty('a kill mid-PUT');
        // The signed URL names the server that made it; the same path on the restarted one.
        const again = p2.body.signed_url.replace(/^https?:\/\/[^/]+/, rig.server.url);
        assert.equal((await fetch(again, { method: 'PUT', body: new Uint8Array(d6) })).status, 204);
      } else {
        assert.deepEqual(await rig.tempFiles(), [p2.body.key], 'only the uploaded, uncommitted temp object');
      }
      const c2 = await rig.json('POST', '/workspaces/assets/upload/assets', { json: { temp_file_key: p2.body.key, original_file_name: 'six.bin' } });
      assert.equal(c2.status, 200, JSON.stringify(c2.body));
      committed.add(sha256(d6));
      // tus killed after the commit, before its parts were freed.
      const d7 = randomData(150_000);
      const t3 = await tus.create(d7.length, 'seven.bin');
      await rig.expectDeath('upload.tus.after-commit', () => tus.patch(t3, 0, d7));
      committed.add(sha256(d7));

      // 8. The committed upload reports its asset; its parts were freed at start.
      await rig.start('upload.presigned.after-commit');
      const h3 = await tus.head(t3);
      assert.equal(h3.offset, d7.length);
      assert.ok(h3.assetId, 'the upload committed before the kill reports its asset');
      // Presigned killed after its commit transaction.
      const d8 = randomData(100_000);
      const p3 = await rig.json('POST', '/workspaces/assets/upload', { json: { name: 'eight.bin' } });
      assert.equal((await fetch(p3.body.signed_url, { method: 'PUT', body: new Uint8Array(d8) })).status, signedPutOk);
      const commitP3 = () => rig.json('POST', '/workspaces/assets/upload/assets', { json: { temp_file_key: p3.body.key, original_file_name: 'eight.bin' } });
      await rig.expectDeath('upload.presigned.after-commit', commitP3);
      committed.add(sha256(d8));

      // 9. The retried commit reports the asset it made; a streaming upload is killed after its commit.
      await rig.start('upload.stream.after-commit');
      const c3 = await commitP3();
      assert.equal(c3.status, 200, JSON.stringify(c3.body));
      assert.equal(c3.body.versions.length, 1, 'committed once');
      const d9 = randomData(120_000);
      await rig.expectDeath('upload.stream.after-commit', () => rig.uploadStream(d9, 'nine.bin'));
      committed.add(sha256(d9));

      // 10. Bulk ZIP killed mid-stream: the client gets a cut stream, never a complete-looking archive.
      await rig.start('download.zip.mid-stream');
      const zipIds = { ids: [r1.body.id, r4.body.id, c1.body.id] };
      let zipBytes = 0;
      let zipLength = 0;
      await rig.expectDeath('download.zip.mid-stream', async () => {
        const res = await rig.fetch('POST', '/workspaces/assets/download', { json: zipIds });
        zipLength = Number(res.headers.get('content-length'));
        zipBytes = (await res.arrayBuffer()).byteLength;
      });
      assert.ok(zipBytes < zipLength, `the cut archive is shorter than announced (${zipBytes} of ${zipLength})`);

      // 11-13. A derivative job killed mid-render on every attempt, the last one included.
      await rig.start('derivative.mid-render');
      const zip = await rig.fetch('POST', '/workspaces/assets/download', { json: zipIds });
      assert.equal(zip.status, 200);
      assert.equal((await zip.arrayBuffer()).byteLength, Number(zip.headers.get('content-length')), 'the download works after the restart');
      const wa = wav(440);
      const ua = await rig.uploadStream(wa, 'a.wav');
      assert.equal(ua.status, 201, JSON.stringify(ua.body));
      committed.add(sha256(wa));
      await rig.expectDeath('derivative.mid-render (attempt 1)', async () => undefined);
      // Each next server claims the job once the dead one's lease (1 s) has run out, and dies in it again.
      await rig.startToDie('derivative.mid-render');
      await rig.startToDie('derivative.mid-render');

      // 14. The dead job's derivative is failed, not pending forever; a second job is killed after its put.
      await rig.start('derivative.after-put');
      const versionA = `/workspaces/assets/${ua.body.id}/versions/${ua.body.currentVersion.id}`;
      const failed = await waitFor('the dead job to fail its derivative', async () => {
        const v = await rig.json('GET', versionA);
        const d = (v.body.derivatives as Array<{ kind: string; state: string; error?: string }>).find((x) => x.kind === 'waveform');
        return d?.state === 'failed' ? d : undefined;
      });
      assert.match(String(failed.error), /./, 'with a reason');
      const wb = wav(660);
      const ub = await rig.uploadStream(wb, 'b.wav');
      assert.equal(ub.status, 201);
      committed.add(sha256(wb));
      await rig.expectDeath('derivative.after-put (attempt 1)', async () => undefined);

      // 15. A clean server: the job runs again and settles.
      await rig.start();
      const versionB = `/workspaces/assets/${ub.body.id}/versions/${ub.body.currentVersion.id}`;
      await waitFor('the re-run job to make the waveform', async () => {
        const v = await rig.json('GET', versionB);
        const d = (v.body.derivatives as Array<{ kind: string; state: string }>).find((x) => x.kind === 'waveform');
        return d?.state === 'ready' ? true : undefined;
      });
      assert.deepEqual(rig.deadMediaDirs(), [], 'media temp dirs of killed workers are swept');
      await assertNoDeadWriterFiles('all the kills');
      await assertTempEmpty('all the kills');
      rig.server.child.kill('SIGTERM');
      assert.deepEqual(await rig.server.exited, { code: 0, signal: null });

      // The data as a whole.
      const config = loadConfig(cli.env);
      const { db, close } = createDatabase(config);
      const blobs = createBlobStore(config);
      try {
        const versions = await db.selectFrom('asset_versions').select(['blob_key', 'checksum', 'size']).execute();
        for (const v of versions) {
          const stat = await blobs.stat(v.blob_key);
          assert.ok(stat, `version bytes ${v.blob_key} exist`);
          assert.equal(stat.size, Number(v.size));
          const hash = sha256(Buffer.concat(await (await blobs.get(v.blob_key)).toArray()));
          assert.equal(hash, v.checksum, 'the bytes match the checksum');
        }
        assert.deepEqual(new Set(versions.map((v) => v.checksum)), committed, 'every upload committed exactly what was sent');
        assert.equal(versions.length, committed.size, 'no upload committed twice');
        const stuck = await db.selectFrom('upload_sessions').select(['id', 'state']).where('state', '=', 'committing').execute();
        assert.deepEqual(stuck, [], 'no upload stuck committing');
        assert.deepEqual(await db.selectFrom('upload_parts').select('id').execute(), [], 'no tus part left');
        const running = await db.selectFrom('jobs').select(['name', 'state']).where('state', '=', 'running').execute();
        assert.deepEqual(running, [], 'every job settled');
        const pending = await db.selectFrom('derivatives').select(['id', 'kind']).where('state', '=', 'pending').execute();
        assert.deepEqual(pending, [], 'no derivative pending');
        const ready = await db.selectFrom('derivatives').select('blob_key').where('state', '=', 'ready').execute();
        for (const d of ready) {
          assert.ok(d.blob_key && (await blobs.exists(d.blob_key)), 'ready derivatives have their bytes');
        }
      } finally {
        await close();
      }
    });
  });
}
