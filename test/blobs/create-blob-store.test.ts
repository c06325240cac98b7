import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createBlobStore } from '../../src/blobs/create-blob-store.js';
import { DiskBlobStore } from '../../src/blobs/disk.js';
import { S3BlobStore } from '../../src/blobs/s3.js';
import { parseS3Url } from '../../src/blobs/s3-url.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { describeEachDatabaseAndStore } from '../harness/app.js';
import { startS3Server, type S3TestServer } from '../harness/s3-server.js';

describe('parseS3Url', () => {
  it('reads bucket, endpoint, region and prefix', () => {
    assert.deepEqual(parseS3Url('s3://media?endpoint=http://127.0.0.1:9000&region=eu-west-1&prefix=blobs'), {
      bucket: 'media',
      prefix: 'blobs/',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      createBucket: false,
    });
    assert.deepEqual(parseS3Url('s3://media'), {
      bucket: 'media',
      prefix: '',
      region: 'us-east-1',
      endpoint: undefined,
      forcePathStyle: false,
      createBucket: false,
    });
    assert.equal(parseS3Url('s3://m?createBucket=true&forcePathStyle=false&endpoint=https://x').forcePathStyle, false);
    assert.equal(parseS3Url('s3://m?createBucket=true').createBucket, true);
  });

  it('refuses typos and misplaced prefixes', () => {
    assert.throws(() => parseS3Url('s3://media?regoin=eu-west-1'), /unknown parameter regoin/);
    assert.throws(() => parseS3Url('s3://media/blobs'), /prefix/);
    assert.throws(() => parseS3Url('s3://media?endpoint=127.0.0.1:9000'), /endpoint must be/);
    assert.throws(() => parseS3Url('s3://media?createBucket=yes'), /createBucket must be true or false/);
  });
});

describe('S3 credentials in config', () => {
  it('takes both keys or neither', () => {
    const both = loadConfig({ STORAGE_URL: 's3://b', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret' });
    assert.deepEqual(both.s3Credentials, { accessKeyId: 'id', secretAccessKey: 'secret' });
    assert.equal(loadConfig({}).s3Credentials, undefined);
    assert.throws(() => loadConfig({ S3_ACCESS_KEY_ID: 'id' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.problems, ['S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither']);
      return true;
    });
  });
});

describe('createBlobStore', () => {
  let s3: S3TestServer;
  const stores: S3BlobStore[] = [];
  before(async () => {
    s3 = await startS3Server({ bucket: 'absent', createBucket: false });
  });
  after(async () => {
    stores.forEach((s) => s.close());
    await s3.stop();
  });

  const s3Store = (url: string): S3BlobStore => {
    const store = createBlobStore({ dataDir: '/unused', storageUrl: url, s3Credentials: s3.credentials });
    assert.ok(store instanceof S3BlobStore);
    stores.push(store);
    return store;
  };

  it('picks the disk store without STORAGE_URL or with file://, and refuses other schemes', () => {
    assert.ok(createBlobStore({ dataDir: '/data', storageUrl: undefined, s3Credentials: undefined }) instanceof DiskBlobStore);
    assert.ok(createBlobStore({ dataDir: '/data', storageUrl: 'file:///srv/blobs', s3Credentials: undefined }) instanceof DiskBlobStore);
    assert.throws(() => createBlobStore({ dataDir: '/data', storageUrl: 'gs://b', s3Credentials: undefined }), /not supported: gs/);
  });

  it('fails verify() clearly when the bucket does not exist, and creates it with createBucket=true', async () => {
    await assert.rejects(s3Store(s3.url).verify(), /S3 bucket absent does not exist/);
    const creating = s3Store(`${s3.url}&createBucket=true`);
    await creating.verify();
    const put = await creating.put(Readable.from([Buffer.from('now it exists')]));
    await s3Store(s3.url).verify();
    assert.equal(await s3Store(s3.url).exists(put.key), true);
  });

  it('fails verify() clearly when the server cannot be reached', async () => {
    await assert.rejects(s3Store('s3://b?endpoint=http://127.0.0.1:1').verify(), /S3 bucket b is not reachable/);
  });
});

describeEachDatabaseAndStore('app blob store from STORAGE_URL', (t, store) => {
  it('runs the app on the store the suite asks for', async () => {
    assert.equal(t.deps.blobs.kind, store);
    assert.equal(await t.blobCount(), 0);
    const put = await t.deps.blobs.put(Readable.from([Buffer.from('through the app deps')]));
    assert.equal(await t.deps.blobs.exists(put.key), true);
    assert.equal(await t.blobCount(), 1);
  });
});
