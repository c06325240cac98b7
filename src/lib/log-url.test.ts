import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskUrlSecrets, serializeRequest } from './log-url.js';

test('credential query parameters are masked, the rest of the URL kept', () => {
  assert.equal(maskUrlSecrets('/vionlabs/catalog/v1/item?key=ak_a.sk_b&page_size=2'), '/vionlabs/catalog/v1/item?key=[redacted]&page_size=2');
  assert.equal(maskUrlSecrets('/x?page=1&KEY=s3cret#frag'), '/x?page=1&KEY=[redacted]#frag');
  assert.equal(maskUrlSecrets('/x?monkey=1&access_token=abc'), '/x?monkey=1&access_token=[redacted]');
  assert.equal(maskUrlSecrets('/plain/path'), '/plain/path');
  assert.equal(serializeRequest({ method: 'GET', url: '/a?key=zzz', ip: '127.0.0.1' }).url, '/a?key=[redacted]');
});
