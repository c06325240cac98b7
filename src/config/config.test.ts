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
