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
