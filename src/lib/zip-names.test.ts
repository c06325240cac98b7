import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numberedName, UniqueEntryNames, zipEntryName } from './zip-names.js';

test('zipEntryName: relative, no .., no backslashes, no control characters', () => {
  assert.equal(zipEntryName('/', 'a.png'), 'a.png');
  assert.equal(zipEntryName('/Art/Final/', 'hero.png'), 'Art/Final/hero.png');
  assert.equal(zipEntryName('/../../etc/', '../../passwd'), 'etc/passwd');
  assert.equal(zipEntryName('C:\\Windows\\', 'a\\b.txt'), 'C_/Windows/b.txt');
  assert.equal(zipEntryName('/x\r\n/', 'evil\r\nname.txt'), 'x/evilname.txt');
  assert.equal(zipEntryName('//./a//', '..'), 'a/file');
  for (const name of ['/../../etc/passwd', '..\\..\\x', '\u0000']) {
    const e = zipEntryName(name, name);
    assert.ok(!e.startsWith('/') && !e.split('/').includes('..') && !e.includes('\\') && !/[\u0000-\u001f]/.test(e), e);
  }
});

test('numberedName puts the number before the extension of the last segment', () => {
  assert.equal(numberedName('a/b.c/name.tar.gz', 2), 'a/b.c/name.tar (2).gz');
  assert.equal(numberedName('README', 3), 'README (3)');
  assert.equal(numberedName('dir/.env', 2), 'dir/.env (2)');
});

test('numberedName keeps the last segment within 255 bytes: the stem is shortened, the extension kept', () => {
  const long = `${'é'.repeat(130)}.png`; // 264 bytes: numbered within the limit all the same
  const fits = `${'é'.repeat(124)}abc.png`; // 255 bytes
  assert.equal(Buffer.byteLength(fits), 255);
  const numbered = numberedName(`dir/${fits}`, 12);
  assert.equal(numbered, `dir/${'é'.repeat(123)} (12).png`);
  assert.equal(Buffer.byteLength(numbered.slice(4)), 255);
  // Never half a character: one byte less room, one whole é less.
  assert.equal(numberedName(fits, 100), `${'é'.repeat(122)} (100).png`);
  assert.ok(Buffer.byteLength(numberedName(long, 2)) <= 255);
  // An extension too long to keep is shortened with the rest.
  const hugeExt = `a.${'x'.repeat(252)}`;
  const n = numberedName(hugeExt, 3);
  assert.equal(Buffer.byteLength(n), 255);
  assert.ok(n.endsWith(' (3)'));
});

test('UniqueEntryNames: duplicates (case-insensitive) and file/folder clashes are numbered', () => {
  const u = new UniqueEntryNames();
  assert.equal(u.take('a.png'), 'a.png');
  assert.equal(u.take('a.png'), 'a (2).png');
  assert.equal(u.take('A.PNG'), 'A (3).PNG');
  assert.equal(u.take('a (2).png'), 'a (2) (2).png');
  assert.equal(u.take('docs/x.txt'), 'docs/x.txt');
  assert.equal(u.take('docs'), 'docs (2)');
  assert.equal(u.take('f'), 'f');
  assert.equal(u.take('f/g.txt'), 'f (2)/g.txt');
  assert.equal(u.take('f/g.txt'), 'f (2)/g (2).txt');
});
