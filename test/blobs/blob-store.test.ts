import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { blobStoreContract, generatedBody } from '../../src/blobs/blob-store.contract.js';
import { DiskBlobStore } from '../../src/blobs/disk.js';
import { S3BlobStore } from '../../src/blobs/s3.js';
import { parseS3Url } from '../../src/blobs/s3-url.js';
import { startS3Server, type S3TestServer } from '../harness/s3-server.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-blobs-'));
  dirs.push(dir);
  return dir;
}

const tmpFiles = (root: string): string[] => {
  try {
    return readdirSync(join(root, 'tmp'));
  } catch {
    return [];
  }
};

blobStoreContract('disk', {
  presigns: false,
  create: async () => {
    const root = tempDir();
    const store = new DiskBlobStore(root);
    await store.verify();
    return { store, tempEntries: async () => tmpFiles(root) };
  },
});

let s3: S3TestServer | undefined;
const s3Stores: S3BlobStore[] = [];
blobStoreContract('s3', {
  presigns: true,
  setup: async () => {
    s3 = await startS3Server();
  },
  teardown: async () => {
    s3Stores.forEach((s) => s.close());
    await s3?.stop();
  },
  create: async () => {
    assert.ok(s3);
    // A fresh prefix per test: each test sees an empty store on the one server.
    const location = parseS3Url(s3.url.replace(/prefix=[^&]*/, `prefix=t-${randomUUID()}/`));
    const store = new S3BlobStore({ ...location, credentials: s3.credentials });
    s3Stores.push(store);
    await store.verify();
    return {
      store,
      tempEntries: async () => {
        const out = await store.client.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: `${location.prefix}tmp/` }));
        return (out.Contents ?? []).map((o) => o.Key ?? '');
      },
    };
  },
});

describe('DiskBlobStore temp directory', () => {
  it('holds no file after a successful or a failed put', async () => {
    const root = tempDir();
    const store = new DiskBlobStore(root);
    await store.put(generatedBody(3 * 1024 * 1024).body);
    assert.deepEqual(tmpFiles(root), []);
    await assert.rejects(store.put(generatedBody(3 * 1024 * 1024, { failAfter: 1024 * 1024 }).body));
    await assert.rejects(store.put(Readable.from([Buffer.from('abc')]), { expectedSize: 2 }));
    await assert.rejects(store.put(Readable.from([Buffer.from('abc')]), { maxBytes: 2 }));
    assert.deepEqual(tmpFiles(root), []);
    assert.equal(readdirSync(root).filter((d) => d !== 'tmp').length, 1, 'only the one stored blob');
  });
});

describe('S3BlobStore large-object copy', () => {
  let server: S3TestServer;
  before(async () => {
    server = await startS3Server();
  });
  after(() => server.stop());

  // Objects over CopyObject's 5 GiB limit are copied with UploadPartCopy, which s3rver does not implement: a
  // limit of 1 byte sends this small put down that path, and the failed copy must leave nothing behind.
  it('leaves nothing behind when the multipart copy fails', async () => {
    const location = parseS3Url(server.url);
    const store = new S3BlobStore({ ...location, credentials: server.credentials, singleCopyLimitBytes: 1 });
    try {
      await assert.rejects(store.put(Readable.from([Buffer.from('needs a multipart copy')])), /not implemented/i);
      const out = await store.client.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.prefix }));
      assert.deepEqual(out.Contents ?? [], []);
    } finally {
      store.close();
    }
  });
});
