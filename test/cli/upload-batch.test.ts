import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DATABASES } from '../harness/databases.js';
import { PeopleEnv, treeDigest } from './people-harness.js';

/*
 * `atelier upload` of many small files: they go in batches (POST /workspaces/assets/batch); the tree reads back byte
 * for byte; a batch the server refuses is sent file by file, so each file gets its own outcome.
 */

for (const kind of DATABASES) {
  describe(`atelier upload in batches [${kind}]`, () => {
    const env = new PeopleEnv(kind);
    before(async () => {
      await env.start();
      await env.login();
    });
    after(() => env.stop());

    test('250 small files and a large one: every file uploaded once, the tree reads back byte for byte', async () => {
      const src = env.tempDir('many');
      for (let d = 0; d < 5; d++) {
        mkdirSync(join(src, 'set', `d${d}`), { recursive: true });
        for (let i = 0; i < 50; i++) writeFileSync(join(src, 'set', `d${d}`, `f${i}.bin`), randomBytes(100 + i));
      }
      writeFileSync(join(src, 'set', 'large.bin'), randomBytes(2 * 1024 * 1024 + 3));
      const events = await env.jsonLines(['upload', join(src, 'set'), '--to', '/Many', '--parallel', '3']);
      const uploaded = events.filter((e) => e.event === 'uploaded');
      assert.equal(uploaded.length, 251);
      assert.equal(new Set(uploaded.map((e) => e.remote)).size, 251);
      assert.ok(uploaded.every((e) => e.new_version === false && typeof e.asset_id === 'string' && typeof e.checksum === 'string'));
      assert.deepEqual(events.at(-1), { event: 'summary', uploaded: 251, skipped: 0, failed: 0, bytes: 250 * 100 + 5 * (49 * 50) / 2 + 2 * 1024 * 1024 + 3, exit_code: 0 });
      const out = env.tempDir('many-out');
      await env.jsonLines(['download', '/Many/set/', '--to', out]);
      assert.deepEqual(treeDigest(join(out, 'set')), treeDigest(join(src, 'set')));
      // Again: all skipped, nothing sent.
      const again = await env.jsonLines(['upload', join(src, 'set'), '--to', '/Many']);
      assert.equal(again.filter((e) => e.event === 'skipped').length, 251);
      assert.equal(again.at(-1)?.bytes, 0);
    });

    test('a batch the server refuses (one file over the account limit) is sent file by file: one failure, the rest uploaded', async () => {
      const src = env.tempDir('limit');
      mkdirSync(join(src, 'batch'));
      for (let i = 0; i < 6; i++) writeFileSync(join(src, 'batch', `s${i}.bin`), randomBytes(500));
      writeFileSync(join(src, 'batch', 'too-big.bin'), randomBytes(5000));
      const headers = await env.headers();
      const set = await env.server.req('PUT', '/accounts/settings/max_upload_bytes', { headers, json: { value: 4000 } });
      assert.equal(set.status, 200);
      try {
        const r = await env.run(['upload', join(src, 'batch'), '--to', '/Limit', '--json']);
        assert.equal(r.code, 1, r.stderr);
        const lines = r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, any>);
        const failed = lines.filter((e) => e.event === 'failed');
        // As in the other events, `path` is the local file and `remote` where it was going.
        assert.deepEqual(failed.map((e) => [e.path, e.remote, e.code, e.status]), [[join(src, 'batch', 'too-big.bin'), '/Limit/batch/too-big.bin', 'payload_too_large', 413]]);
        assert.equal(lines.filter((e) => e.event === 'uploaded').length, 6);
        assert.deepEqual(lines.at(-1), { event: 'summary', uploaded: 6, skipped: 0, failed: 1, bytes: 3000, exit_code: 1 });
      } finally {
        await env.server.req('PUT', '/accounts/settings/max_upload_bytes', { headers, json: { value: null } });
      }
    });
  });
}
