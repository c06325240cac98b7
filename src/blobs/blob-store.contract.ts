import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { isDomainError } from '../domain/errors.js';
import type { BlobStore } from './blob-store.js';

/** One fresh, empty store, and a view of its temp area (files in `<root>/tmp`, objects under `<prefix>tmp/`). */
export interface ContractStore {
  store: BlobStore;
  tempEntries(): Promise<string[]>;
}

export interface ContractTarget {
  /** Called once per test: each test gets its own empty store. */
  create(): Promise<ContractStore>;
  /** Whether the store hands out presigned URLs (S3) or answers undefined (disk). */
  presigns: boolean;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
}

const MiB = 1024 ** 2;
const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

async function listKeys(store: BlobStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const s of store.list()) {
    keys.push(s.key);
  }
  return keys;
}

/**
 * `totalBytes` of varying bytes generated 1 MiB at a time (never held in memory), hashed with node's crypto as they
 * are produced. With `failAfter`, the stream errors once that many bytes have gone out.
 */
export function generatedBody(totalBytes: number, options: { failAfter?: number } = {}): { body: Readable; sha256(): string } {
  const seed = randomBytes(MiB);
  const hash = createHash('sha256');
  let sent = 0;
  let n = 0;
  const body = new Readable({
    read() {
      if (options.failAfter !== undefined && sent >= options.failAfter) {
        this.destroy(new Error('source failed midway'));
        return;
      }
      if (sent >= totalBytes) {
        this.push(null);
        return;
      }
      const chunk = Buffer.from(seed.subarray(0, Math.min(MiB, totalBytes - sent)));
      chunk.writeUInt32BE(n++, 0);
      hash.update(chunk);
      sent += chunk.length;
      this.push(chunk);
    },
  });
  return { body, sha256: () => hash.digest('hex') };
}

async function rejectsWith(promise: Promise<unknown>, expected: { kind?: string; code?: string; message?: RegExp }): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    if (expected.message) {
      assert.match(err instanceof Error ? err.message : '', expected.message);
      return true;
    }
    assert.ok(isDomainError(err), `expected a DomainError, got ${String(err)}`);
    if (expected.kind) {
      assert.equal(err.kind, expected.kind);
    }
    if (expected.code) {
      assert.equal(err.code, expected.code);
    }
    return true;
  });
}

/** The behaviour every BlobStore must have; run by test/blobs/blob-store.test.ts on disk and on S3. */
export function blobStoreContract(name: string, target: ContractTarget): void {
  describe(`BlobStore contract [${name}]`, () => {
    if (target.setup) {
      before(target.setup);
    }
    if (target.teardown) {
      after(target.teardown);
    }

    /** Asserts that neither a blob nor temp bytes remain. */
    async function assertNothingLeft(c: ContractStore): Promise<void> {
      assert.deepEqual(await listKeys(c.store), []);
      assert.deepEqual(await c.tempEntries(), []);
    }

    it('stores and returns bytes, keyed by the SHA-256 node computes', async () => {
      const { store } = await target.create();
      const data = Buffer.from('hello, atelier\n');
      const put = await store.put(Readable.from([data]));
      assert.deepEqual(put, { key: sha256(data), size: data.length, sha256: sha256(data) });
      assert.deepEqual(await readAll(await store.get(put.key)), data);
      const empty = await store.put(Readable.from([]));
      assert.deepEqual(empty, { key: sha256(''), size: 0, sha256: sha256('') });
      assert.equal((await readAll(await store.get(empty.key))).length, 0);
    });

    it('stores identical content once', async () => {
      const c = await target.create();
      const a = await c.store.put(Readable.from([Buffer.from('same bytes')]));
      const b = await c.store.put(Readable.from([Buffer.from('same'), Buffer.from(' bytes')]));
      assert.deepEqual(b, a);
      assert.deepEqual(await listKeys(c.store), [a.key]);
      assert.deepEqual(await c.tempEntries(), []);
    });

    it('stores a Buffer as it stores the same bytes streamed, with the same checks and nothing left on failure', async () => {
      const c = await target.create();
      const data = Buffer.from('rendered derivative bytes');
      const seen: Buffer[] = [];
      const a = await c.store.put(data, { expectedSha256: sha256(data), expectedSize: data.length, onChunk: (chunk) => seen.push(chunk) });
      assert.deepEqual(a, { key: sha256(data), size: data.length, sha256: sha256(data) });
      assert.deepEqual(Buffer.concat(seen), data, 'onChunk sees the bytes');
      assert.deepEqual(await c.store.put(Readable.from([data])), a, 'the streamed copy dedups with it');
      assert.deepEqual(await readAll(await c.store.get(a.key)), data);
      assert.deepEqual(await listKeys(c.store), [a.key]);
      await rejectsWith(c.store.put(Buffer.from('abc'), { expectedSha256: sha256('abd') }), { code: 'checksum_mismatch' });
      await rejectsWith(c.store.put(Buffer.from('abc'), { expectedSize: 4 }), { code: 'size_mismatch' });
      await rejectsWith(c.store.put(Buffer.from('0123456789'), { maxBytes: 5 }), { kind: 'too_large' });
      assert.deepEqual(await listKeys(c.store), [a.key]);
      assert.deepEqual(await c.tempEntries(), []);
    });

    it('refuses a checksum mismatch and keeps nothing', async () => {
      const c = await target.create();
      const promise = c.store.put(Readable.from([Buffer.from('abc')]), { expectedSha256: sha256('abd') });
      await rejectsWith(promise, { kind: 'invalid', code: 'checksum_mismatch' });
      await assertNothingLeft(c);
    });

    it('accepts an uppercase expected checksum', async () => {
      const { store } = await target.create();
      const put = await store.put(Readable.from([Buffer.from('abc')]), { expectedSha256: sha256('abc').toUpperCase(), expectedSize: 3 });
      assert.equal(put.key, sha256('abc'));
    });

    it('refuses a size mismatch and keeps nothing', async () => {
      const c = await target.create();
      await rejectsWith(c.store.put(Readable.from([Buffer.from('abc')]), { expectedSize: 4 }), { code: 'size_mismatch' });
      await assertNothingLeft(c);
    });

    it('stops at maxBytes with too_large and keeps nothing (small and multipart-sized bodies)', async () => {
      const c = await target.create();
      await rejectsWith(c.store.put(Readable.from([Buffer.from('0123456789')]), { maxBytes: 5 }), { kind: 'too_large' });
      const big = generatedBody(40 * MiB);
      await rejectsWith(c.store.put(big.body, { maxBytes: 20 * MiB }), { kind: 'too_large' });
      await assertNothingLeft(c);
      // Exactly maxBytes is allowed.
      const put = await c.store.put(Readable.from([Buffer.from('01234')]), { maxBytes: 5 });
      assert.equal(put.size, 5);
    });

    it('rejects when the source stream fails midway and keeps nothing', async () => {
      const c = await target.create();
      await rejectsWith(c.store.put(generatedBody(MiB, { failAfter: 0 }).body), { message: /source failed midway/ });
      await rejectsWith(c.store.put(generatedBody(64 * MiB, { failAfter: 20 * MiB }).body), { message: /source failed midway/ });
      await assertNothingLeft(c);
    });

    it('serves byte ranges: first byte, middle, last byte', async () => {
      const { store } = await target.create();
      const data = Buffer.from('0123456789abcdef');
      const { key } = await store.put(Readable.from([data]));
      assert.equal((await readAll(await store.get(key, { start: 0, end: 0 }))).toString(), '0');
      assert.equal((await readAll(await store.get(key, { start: 5, end: 9 }))).toString(), '56789');
      assert.equal((await readAll(await store.get(key, { start: 15, end: 15 }))).toString(), 'f');
      assert.equal((await readAll(await store.get(key, { start: 0, end: 15 }))).toString(), data.toString());
    });

    it('stats, checks and deletes (idempotently)', async () => {
      const c = await target.create();
      const { key } = await c.store.put(Readable.from([Buffer.from('to be deleted')]));
      const s = await c.store.stat(key);
      assert.equal(s?.key, key);
      assert.equal(s?.size, 13);
      assert.ok(s && Math.abs(s.modifiedAt.getTime() - Date.now()) < 60_000, 'modifiedAt is about now');
      assert.equal(await c.store.exists(key), true);
      await c.store.delete(key);
      assert.equal(await c.store.exists(key), false);
      assert.equal(await c.store.stat(key), undefined);
      await c.store.delete(key);
      assert.equal(await c.store.stat('not-a-key'), undefined);
      await assertNothingLeft(c);
    });

    it('answers not_found for a missing or malformed key', async () => {
      const { store } = await target.create();
      await rejectsWith(store.get(sha256('never stored')), { kind: 'not_found', code: 'blob_not_found' });
      await rejectsWith(store.get('../../etc/passwd'), { kind: 'not_found' });
    });

    it('lists every blob with its size, and no temp bytes', async () => {
      const c = await target.create();
      const datas = ['one', 'two', 'three'].map((s) => Buffer.from(s));
      for (const d of datas) {
        await c.store.put(Readable.from([d]));
      }
      await c.store.putTemp(randomUUID(), Readable.from([Buffer.from('pending')]));
      const listed: Array<{ key: string; size: number }> = [];
      for await (const s of c.store.list()) {
        listed.push({ key: s.key, size: s.size });
      }
      const expected = datas.map((d) => ({ key: sha256(d), size: d.length })).sort((a, b) => a.key.localeCompare(b.key));
      assert.deepEqual(listed, expected);
    });

    it('presigns GET URLs that a plain fetch can use (S3), or answers undefined (disk)', async () => {
      const { store } = await target.create();
      const data = Buffer.from('presigned body');
      const { key } = await store.put(Readable.from([data]));
      const url = await store.presignGet(key, { expiresInSeconds: 60, fileName: 'résumé "final".txt', contentType: 'text/plain' });
      if (!target.presigns) {
        assert.equal(url, undefined);
        return;
      }
      assert.ok(url);
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/plain');
      assert.equal(res.headers.get('content-disposition'), `attachment; filename="r_sum_ _final_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.txt`);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), data);
    });

    it('presigned PUT then adopt stores the bytes at their content address (S3), or answers undefined (disk)', async () => {
      const c = await target.create();
      const uploadId = randomUUID();
      const url = await c.store.presignPut(uploadId, { expiresInSeconds: 60 });
      if (!target.presigns) {
        assert.equal(url, undefined);
        return;
      }
      assert.ok(url);
      const data = Buffer.from('uploaded straight to the bucket');
      const res = await fetch(url, { method: 'PUT', body: data });
      assert.equal(res.status, 200);
      assert.equal((await c.tempEntries()).length, 1);
      const adopted = await c.store.adopt(uploadId, { expectedSha256: sha256(data), expectedSize: data.length });
      assert.deepEqual(adopted, { key: sha256(data), size: data.length, sha256: sha256(data) });
      assert.deepEqual(await readAll(await c.store.get(adopted.key)), data);
      assert.deepEqual(await c.tempEntries(), []);
    });

    // Only where the store presigns (S3); the disk store's presign methods answer undefined (tested above).
    if (target.presigns) {
      it('presigned GET and PUT URLs are refused once they expire (S3)', async () => {
        const c = await target.create();
        const { key } = await c.store.put(Readable.from([Buffer.from('short-lived')]));
        const get = await c.store.presignGet(key, { expiresInSeconds: 1 });
        const uploadId = randomUUID();
        const put = await c.store.presignPut(uploadId, { expiresInSeconds: 1 });
        assert.ok(get && put);
        // Signatures carry whole seconds: past 2 s the one-second window has closed whatever the rounding.
        await new Promise((r) => setTimeout(r, 2100));
        assert.equal((await fetch(get)).status, 403);
        assert.equal((await fetch(put, { method: 'PUT', body: Buffer.from('too late') })).status, 403);
        assert.deepEqual(await c.tempEntries(), [], 'nothing was written through the expired PUT URL');
      });
    }

    it('putTemp then adopt: stores, dedups, and refuses bad bytes leaving nothing', async () => {
      const c = await target.create();
      const data = Buffer.from('two-step upload');
      const first = randomUUID();
      assert.deepEqual(await c.store.putTemp(first, Readable.from([data])), { size: data.length });
      assert.deepEqual(await listKeys(c.store), [], 'temp bytes are not blobs');
      const adopted = await c.store.adopt(first, { expectedSha256: sha256(data) });
      assert.equal(adopted.key, sha256(data));
      await rejectsWith(c.store.adopt(first), { kind: 'not_found', code: 'upload_not_found' });

      const again = randomUUID();
      await c.store.putTemp(again, Readable.from([data]));
      assert.deepEqual(await c.store.adopt(again), adopted);
      assert.deepEqual(await listKeys(c.store), [adopted.key]);
      await c.store.delete(adopted.key);

      const wrongSum = randomUUID();
      await c.store.putTemp(wrongSum, Readable.from([data]));
      await rejectsWith(c.store.adopt(wrongSum, { expectedSha256: sha256('other') }), { code: 'checksum_mismatch' });
      const wrongSize = randomUUID();
      await c.store.putTemp(wrongSize, Readable.from([data]));
      await rejectsWith(c.store.adopt(wrongSize, { expectedSize: 1 }), { code: 'size_mismatch' });
      const tooBig = randomUUID();
      await c.store.putTemp(tooBig, Readable.from([data]));
      await rejectsWith(c.store.adopt(tooBig, { maxBytes: 3 }), { kind: 'too_large' });
      await assertNothingLeft(c);

      await rejectsWith(c.store.putTemp(randomUUID(), Readable.from([data]), { maxBytes: 3 }), { kind: 'too_large' });
      await rejectsWith(c.store.putTemp(randomUUID(), generatedBody(MiB, { failAfter: 0 }).body), { message: /source failed/ });
      await rejectsWith(c.store.adopt(randomUUID()), { code: 'upload_not_found' });
      await rejectsWith(c.store.adopt('../escape'), { kind: 'not_found' });
      await assertNothingLeft(c);
    });

    it('writes temp bytes in place at an offset, cutting what lay past it (stores that write in place)', async () => {
      const c = await target.create();
      if (!c.store.writesTempInPlace) {
        return;
      }
      const id = randomUUID();
      const whole = generatedBody(5 * MiB + 8).body;
      const bytes: Buffer[] = [];
      for await (const chunk of whole) bytes.push(chunk as Buffer);
      const data = Buffer.concat(bytes);
      const at = 2 * MiB;
      assert.equal((await c.store.writeTempAt(id, 0, Readable.from([data.subarray(0, at)]))).size, at);
      // A body that breaks off is kept as far as it arrived (tus keeps what arrived); a write at the offset again
      // replaces it, since the caller did not count it (or counted it and moved on).
      const cut = await c.store.writeTempAt(id, at, generatedBody(3 * MiB, { failAfter: MiB }).body);
      assert.deepEqual(cut, { size: MiB, cut: true });
      await rejectsWith(c.store.writeTempAt(id, data.length + 1, Readable.from([Buffer.from('x')])), { code: 'upload_not_found' });
      let calls = 0;
      const written = await c.store.writeTempAt(id, at, Readable.from([data.subarray(at)]), { beforeWrite: async () => void (calls += 1) });
      assert.equal(written.size, data.length - at);
      assert.ok(calls >= 1, 'beforeWrite is awaited before the writes');
      assert.equal((await c.store.adopt(id)).key, sha256(data));
      const stopped = randomUUID();
      await rejectsWith(
        c.store.writeTempAt(stopped, 0, Readable.from([data]), {
          beforeWrite: async () => {
            throw new Error('claim lost');
          },
        }),
        { message: /claim lost/ },
      );
      await c.store.deleteTemp(stopped);
      assert.deepEqual(await c.tempEntries(), []);
    });

    it('carries a running hash across writes in place; a failed write spoils it and adopt then reads the file', async () => {
      const c = await target.create();
      if (!c.store.writesTempInPlace) {
        return;
      }
      const bytes: Buffer[] = [];
      for await (const chunk of generatedBody(9 * MiB + 5).body) bytes.push(chunk as Buffer);
      const data = Buffer.concat(bytes);
      const cuts = [0, 3 * MiB + 1, 7 * MiB, data.length];
      // Every write confirmed: the hash has seen the whole file, and its digest is the file's.
      const clean = randomUUID();
      const carried = c.store.newTempHash();
      for (let i = 0; i + 1 < cuts.length; i++) {
        await c.store.writeTempAt(clean, cuts[i]!, Readable.from([data.subarray(cuts[i], cuts[i + 1])]), { hash: carried });
      }
      assert.equal(carried.size, data.length);
      assert.equal((await c.store.adopt(clean, { tempHash: carried, expectedSha256: sha256(data) })).key, sha256(data));
      // A body that broke off mid-way: whatever the hash took of it, it must not be continued.
      const cut = randomUUID();
      const spoiled = c.store.newTempHash();
      await c.store.writeTempAt(cut, 0, Readable.from([data.subarray(0, cuts[1])]), { hash: spoiled });
      assert.equal((await c.store.writeTempAt(cut, cuts[1]!, generatedBody(3 * MiB, { failAfter: 2 * MiB }).body, { hash: spoiled })).cut, true);
      await c.store.writeTempAt(cut, cuts[1]!, Readable.from([data.subarray(cuts[1])]), { hash: spoiled });
      assert.equal((await c.store.adopt(cut, { tempHash: spoiled })).key, sha256(data));
      // One that saw fewer bytes than the file (a write it did not see) is not used either.
      const partial = randomUUID();
      const short = c.store.newTempHash();
      await c.store.writeTempAt(partial, 0, Readable.from([data.subarray(0, cuts[2])]), { hash: short });
      await c.store.writeTempAt(partial, cuts[2]!, Readable.from([data.subarray(cuts[2])]));
      assert.equal(short.size, cuts[2]);
      assert.equal((await c.store.adopt(partial, { tempHash: short })).key, sha256(data));
      assert.deepEqual(await c.tempEntries(), []);
    });

    it('replaces, deletes and sweeps temp bytes', async () => {
      const c = await target.create();
      const id = randomUUID();
      await c.store.putTemp(id, Readable.from([Buffer.from('first')]));
      await c.store.putTemp(id, Readable.from([Buffer.from('second')]));
      assert.equal((await c.store.adopt(id)).key, sha256('second'));
      await c.store.putTemp(id, Readable.from([Buffer.from('abandoned')]));
      await c.store.deleteTemp(id);
      await c.store.deleteTemp(id);
      assert.deepEqual(await c.tempEntries(), []);
      await c.store.putTemp(randomUUID(), Readable.from([Buffer.from('stale')]));
      assert.equal(await c.store.sweepTemp(new Date(Date.now() - 60_000)), 0, 'fresh temp bytes are kept');
      assert.equal(await c.store.sweepTemp(new Date(Date.now() + 60_000)), 1);
      assert.deepEqual(await c.tempEntries(), []);
    });

    it('adopts temp bytes of many batches (9 MiB + 5 bytes) with the digest node computes, and refuses them past maxBytes', async () => {
      const c = await target.create();
      const size = 9 * MiB + 5;
      const gen = generatedBody(size);
      const id = randomUUID();
      assert.deepEqual(await c.store.putTemp(id, gen.body), { size });
      await rejectsWith(c.store.adopt(id, { maxBytes: 4 * MiB }), { kind: 'too_large' });
      const again = generatedBody(size);
      await c.store.putTemp(id, again.body);
      const adopted = await c.store.adopt(id, { expectedSize: size });
      const digest = again.sha256();
      assert.deepEqual(adopted, { key: digest, size, sha256: digest });
      assert.deepEqual(await c.tempEntries(), []);
    });

    it('streams a 64 MiB body without holding it, with the right digest', async () => {
      const c = await target.create();
      const gen = generatedBody(64 * MiB);
      const put = await c.store.put(gen.body);
      assert.equal(put.size, 64 * MiB);
      assert.equal(put.key, gen.sha256());
      const s = await c.store.stat(put.key);
      assert.equal(s?.size, 64 * MiB);
      const back = createHash('sha256');
      for await (const chunk of await c.store.get(put.key)) {
        back.update(chunk);
      }
      assert.equal(back.digest('hex'), put.key);
      assert.deepEqual(await c.tempEntries(), []);
    });
  });
}
