import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkImportUrl, isPrivateAddress } from './import-url.js';

test('isPrivateAddress: loopback, private, link-local, CGNAT, multicast, mapped and unique-local are not public', () => {
  for (const a of ['127.0.0.1', '127.1.2.3', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip']) {
    assert.equal(isPrivateAddress(a), true, a);
  }
  for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
    assert.equal(isPrivateAddress(a), false, a);
  }
});

test('checkImportUrl: disabled 403, only http(s), private addresses refused unless allowed', async () => {
  const config = { roots: [], urlEnabled: true, urlAllowPrivate: false, urlTimeoutSeconds: 5 };
  await assert.rejects(checkImportUrl({ ...config, urlEnabled: false }, 'http://8.8.8.8/'), { code: 'import_url_disabled' });
  await assert.rejects(checkImportUrl(config, 'gopher://8.8.8.8/'), { code: 'validation_failed' });
  await assert.rejects(checkImportUrl(config, 'http://127.0.0.1:8080/x'), { code: 'import_url_forbidden' });
  await assert.rejects(checkImportUrl(config, 'http://[::ffff:7f00:1]/x'), { code: 'import_url_forbidden' });
  const ok = await checkImportUrl({ ...config, urlAllowPrivate: true }, 'http://127.0.0.1:8080/x');
  assert.equal(ok.address, '127.0.0.1');
  const pub = await checkImportUrl(config, 'https://8.8.8.8/file.png');
  assert.equal(pub.url.pathname, '/file.png');
});
