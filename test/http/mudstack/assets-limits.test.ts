import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import { randomData, uploadCounts, uploadMultipart, uploadRaw } from './assets-fixtures.js';

describeEachDatabase('upload size limit (MAX_UPLOAD_BYTES=1000)', (t) => {
  test('an upload over the limit is 413 and writes nothing, on every upload route', async () => {
    const ten = await t.factory.tenant();
    const ok = await uploadRaw(t, ten, randomData(1000), { file_name: 'exact.bin' });
    assert.equal(ok.status, 201, 'exactly the limit is accepted');
    const before = await uploadCounts(t);
    const raw = await uploadRaw(t, ten, randomData(1001), { file_name: 'big.bin' });
    assert.equal(raw.status, 413);
    assert.equal(raw.body.error.code, 'payload_too_large');
    const form = await uploadMultipart(t, ten, { name: 'big.bin', data: randomData(5000) });
    assert.equal(form.status, 413);
    const version = await uploadRaw(t, ten, randomData(2000), { file_name: 'big.bin' }, 'application/octet-stream', `/workspaces/assets/${ok.body.id}/versions`);
    assert.equal(version.status, 413);
    assert.deepEqual(await uploadCounts(t), before);
  });
}, { MAX_UPLOAD_BYTES: '1000' });
