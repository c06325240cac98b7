import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkServerPath, cleanFileNameText, fileExtension, fitsFileName, isInsideRoot, joinFolderPath, normalizeFolderPath, sanitizeFileName } from './safe-path.js';

test('sanitizeFileName keeps only the last segment and strips what is unsafe', () => {
  assert.equal(sanitizeFileName('hero.png'), 'hero.png');
  assert.equal(sanitizeFileName('../../etc/passwd'), 'passwd');
  assert.equal(sanitizeFileName('C:\\Users\\me\\art.psd'), 'art.psd');
  assert.equal(sanitizeFileName('a\u0000b\nc.txt'), 'abc.txt');
  assert.equal(sanitizeFileName('.hidden'), 'hidden');
  assert.equal(sanitizeFileName('trailing. . '), 'trailing');
  assert.equal(sanitizeFileName('evil\u202egnp.exe'), 'evilgnp.exe');
  assert.equal(sanitizeFileName('what?.png'), 'what_.png');
  assert.equal(sanitizeFileName('..'), undefined);
  assert.equal(sanitizeFileName('dir/'), undefined);
  assert.equal(sanitizeFileName(''), undefined);
});

test('sanitizeFileName limits names to 255 bytes and keeps the extension', () => {
  const long = `${'é'.repeat(300)}.blend`;
  const out = sanitizeFileName(long);
  assert.ok(out);
  assert.ok(Buffer.byteLength(out, 'utf8') <= 255);
  assert.ok(out.endsWith('.blend'));
  assert.ok(!out.includes('\uFFFD'));
});

test('normalizeFolderPath produces /a/b/ form', () => {
  assert.deepEqual(normalizeFolderPath(''), { ok: true, path: '/' });
  assert.deepEqual(normalizeFolderPath('/'), { ok: true, path: '/' });
  assert.deepEqual(normalizeFolderPath('Art/Props'), { ok: true, path: '/Art/Props/' });
  assert.deepEqual(normalizeFolderPath('//Art//./Props/'), { ok: true, path: '/Art/Props/' });
  assert.deepEqual(normalizeFolderPath('\\Art\\Props\\'), { ok: true, path: '/Art/Props/' });
  assert.deepEqual(normalizeFolderPath('/Test Folder/'), { ok: true, path: '/Test Folder/' });
});

test('normalizeFolderPath refuses .. segments', () => {
  for (const p of ['/../x/', '/a/../b/', '..', 'a/...', '/a/..\\b']) {
    const r = normalizeFolderPath(p);
    assert.equal(r.ok, false, p);
  }
  assert.equal(normalizeFolderPath(`/${'a/'.repeat(600)}`).ok, false);
});

test('fileExtension', () => {
  assert.equal(fileExtension('a.PNG'), 'png');
  assert.equal(fileExtension('archive.tar.gz'), 'gz');
  assert.equal(fileExtension('README'), '');
  assert.equal(fileExtension('.env'), '');
});

test('checkServerPath refuses relative paths, NUL and dot segments instead of resolving them', () => {
  assert.deepEqual(checkServerPath('/srv/import/a'), { ok: true, path: '/srv/import/a' });
  assert.deepEqual(checkServerPath('/srv//import/a/'), { ok: true, path: '/srv/import/a' });
  assert.deepEqual(checkServerPath('/'), { ok: true, path: '/' });
  assert.equal(checkServerPath('srv/import').ok, false);
  assert.equal(checkServerPath('/srv/import/../etc').ok, false);
  assert.equal(checkServerPath('/srv/import/..').ok, false);
  assert.equal(checkServerPath('/srv/./import').ok, false);
  assert.equal(checkServerPath('/srv/im\u0000port').ok, false);
  // `..` inside a name is just a name.
  assert.deepEqual(checkServerPath('/srv/a..b'), { ok: true, path: '/srv/a..b' });
});

test('isInsideRoot compares whole segments', () => {
  assert.equal(isInsideRoot('/srv/import', '/srv/import'), true);
  assert.equal(isInsideRoot('/srv/import', '/srv/import/a/b.png'), true);
  assert.equal(isInsideRoot('/srv/import/', '/srv/import/a'), true);
  assert.equal(isInsideRoot('/srv/import', '/srv/import-other/a'), false);
  assert.equal(isInsideRoot('/srv/import', '/srv'), false);
  assert.equal(isInsideRoot('/srv/import', '/etc/passwd'), false);
  assert.equal(isInsideRoot('/', '/etc/passwd'), true);
});

test('joinFolderPath appends a relative directory to a folder path', () => {
  assert.equal(joinFolderPath('/Imports/', ''), '/Imports/');
  assert.equal(joinFolderPath('/Imports', 'a/b'), '/Imports/a/b/');
  assert.equal(joinFolderPath('/', 'a'), '/a/');
  assert.equal(joinFolderPath('/x/', './a/'), '/x/a/');
});

test('cleanFileNameText never cuts; normalizeFolderPath refuses a folder name over 255 bytes instead of cutting it', () => {
  const long = `${'é'.repeat(130)}.txt`;
  assert.equal(cleanFileNameText(long), long);
  assert.equal(fitsFileName(long), false);
  assert.equal(fitsFileName('a'.repeat(255)), true);
  assert.deepEqual(normalizeFolderPath(`/a/${'b'.repeat(255)}/`), { ok: true, path: `/a/${'b'.repeat(255)}/` });
  assert.equal(normalizeFolderPath(`/a/${'b'.repeat(256)}/`).ok, false);
});
