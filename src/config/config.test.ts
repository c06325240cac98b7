import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from './config.js';

test('a relative DATA_DIR (the default ./data) is made absolute against the working directory, once', () => {
  const byDefault = loadConfig({}, { cwd: '/srv/atelier' });
  assert.equal(byDefault.dataDir, '/srv/atelier/data');
  assert.deepEqual(byDefault.database, { kind: 'sqlite', file: '/srv/atelier/data/atelier.db' });
  assert.equal(loadConfig({ DATA_DIR: '../shared/./store' }, { cwd: '/srv/atelier' }).dataDir, '/srv/shared/store');
  assert.equal(loadConfig({ DATA_DIR: '/var/lib/atelier/' }, { cwd: '/srv/atelier' }).dataDir, '/var/lib/atelier');
  assert.equal(loadConfig({ DATA_DIR: 'data' }).dataDir, `${process.cwd()}/data`);
});

test('STORAGE_URL: only file:///absolute (or s3://); a relative file URL is refused, not read as host + path', () => {
  assert.equal(loadConfig({ STORAGE_URL: 'file:///var/lib/atelier/blobs' }).storageUrl, 'file:///var/lib/atelier/blobs');
  assert.equal(loadConfig({ STORAGE_URL: 's3://bucket?region=us-east-1' }).storageUrl, 's3://bucket?region=us-east-1');
  for (const bad of ['file://data/blobs', 'file://./blobs', 'file:blobs', 'file:///', 'file://localhost/srv/blobs', '/srv/blobs', 'http://example.com/b']) {
    assert.throws(() => loadConfig({ STORAGE_URL: bad }), (err: Error) => err.name === 'ConfigError' && err.message.includes('STORAGE_URL'), bad);
  }
});
