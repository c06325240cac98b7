import assert from 'node:assert/strict';
import { test } from 'node:test';
import { throttleAddress } from './client-address.js';

test('IPv4 and IPv4-mapped addresses are throttled as themselves', () => {
  assert.equal(throttleAddress('203.0.113.9'), '203.0.113.9');
  assert.equal(throttleAddress('::ffff:203.0.113.9'), '203.0.113.9');
  assert.equal(throttleAddress('::FFFF:127.0.0.1'), '127.0.0.1');
});

test('IPv6 addresses are throttled by their /64, however they are written', () => {
  assert.equal(throttleAddress('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64');
  assert.equal(throttleAddress('2001:0db8:0001:0002::1'), '2001:db8:1:2::/64');
  assert.equal(throttleAddress('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(throttleAddress('2001:db8::'), '2001:db8:0:0::/64');
  assert.equal(throttleAddress('::1'), '0:0:0:0::/64');
  assert.equal(throttleAddress('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(throttleAddress('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
  assert.equal(throttleAddress('1:2:3:4:5:6:7:8'), '1:2:3:4::/64');
});

test('anything else is kept as it is', () => {
  assert.equal(throttleAddress('unknown'), 'unknown');
  assert.equal(throttleAddress(''), '');
});
