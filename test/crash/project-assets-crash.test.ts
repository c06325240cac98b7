import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { createDatabase } from '../../src/db/database.js';
import { CliEnv } from '../cli/cli-harness.js';
import { DATABASES } from '../harness/databases.js';
import { CrashRig, randomData, sha256, waitFor } from './crash-fixtures.js';

/*
 * Issue #16: a process killed (SIGKILL) in the middle of a project-asset copy or delete. After the restart the job
 * finishes; in between, the half-copied bundle is reported as still copying (status_asset 0, is_production false),
 * never as done, and no file is made twice.
 */

for (const kind of DATABASES) {
  describe(`crash suite: project asset copy and delete killed mid-bundle [${kind}]`, () => {
    const cli = new CliEnv(kind);
    after(() => cli.stop());

    test('a killed copy resumes to status 6 with every file exactly once; a killed delete finishes', async () => {
      const rig = new CrashRig(cli);
      await rig.init();
      await rig.start();
      const root = '/crash/source/';
      const files: Record<string, Buffer> = {
        'edit.prproj': randomData(20_000),
        'a/one.bin': randomData(150_000),
        'a/two.bin': randomData(90_000),
        'b/three.bin': randomData(60_000),
      };
      for (const [rel, data] of Object.entries(files)) {
        const cut = rel.lastIndexOf('/');
        const folder = `${root}${cut < 0 ? '' : rel.slice(0, cut + 1)}`;
        const res = await rig.json('POST', `/workspaces/assets?file_name=${encodeURIComponent(rel.slice(cut + 1))}&file_location=${encodeURIComponent(folder)}`, {
          body: data,
          headers: { 'content-type': 'application/octet-stream' },
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
      const prod = await rig.json('GET', '/api/projectassets/');
      assert.equal(prod.status, 200, JSON.stringify(prod.body));
      const config = loadConfig(cli.env);
      const readDb = async <T>(fn: (db: ReturnType<typeof createDatabase>['db']) => Promise<T>): Promise<T> => {
        const { db, close } = createDatabase(config);
        try {
          return await fn(db);
        } finally {
          await close();
        }
      };
      const productionId = await readDb(async (db) => Number((await db.selectFrom('workspaces').select('sequence').executeTakeFirstOrThrow()).sequence));
      const dev = await rig.json('POST', '/workspaces/devices', { json: { name: 'Copies', path: '/crash/copy/' } });
      assert.equal(dev.status, 201, JSON.stringify(dev.body));
      const source = await rig.json('POST', '/api/projectassets/', { json: { name: 'Source', bundle_root: root, production_id: productionId } });
      assert.equal(source.status, 201, JSON.stringify(source.body));
      // Let the clean server settle its derivative jobs, then stop it so only the armed one runs jobs.
      await new Promise((r) => setTimeout(r, 1500));
      rig.server.child.kill('SIGTERM');
      await rig.server.exited;

      // 1. The copy's job dies after its first file.
      await rig.start('project-asset.copy.after-first-file');
      let copyId = 0;
      await rig.expectDeath('project-asset.copy.after-first-file', async () => {
        const res = await rig.json('POST', '/api/projectassets/', { json: { copy_of: source.body.id, name: 'Copy', bundle_root: '/crash/copy/', production_id: productionId } });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal(res.body.status_asset, 0);
        copyId = res.body.id;
      });
      const mid = await readDb(async (db) => {
        const row = await db.selectFrom('project_assets').selectAll().where('sequence', '=', copyId).executeTakeFirstOrThrow();
        const marks = await db.selectFrom('project_asset_copy_files').select('copied_version_id').where('project_asset_id', '=', row.id).execute();
        return { row, copied: marks.filter((m) => m.copied_version_id !== null).length, total: marks.length };
      });
      assert.deepEqual([mid.row.status_asset, mid.row.is_production], [0, 0], 'a half-copied bundle is not reported done');
      assert.deepEqual([mid.copied, mid.total], [1, Object.keys(files).length], 'one file copied when the process died');

      // 2. The restarted server takes the job over once the dead one's lease ends and finishes the copy.
      await rig.start('project-asset.delete.after-first-file');
      const done = await waitFor('the copy to finish', async () => {
        const res = await rig.json('GET', `/api/projectassets/${copyId}/`);
        return res.body?.status_asset === 6 ? res.body : undefined;
      });
      assert.equal(done.is_production, true);
      assert.deepEqual(Object.keys(done.files).sort(), Object.keys(files).sort());
      for (const [rel, data] of Object.entries(files)) {
        assert.equal(done.files[rel].checksum, sha256(data), rel);
      }
      const versions = await readDb((db) =>
        db.selectFrom('asset_versions as v').innerJoin('assets as a', 'a.id', 'v.asset_id').select(['a.file_location', 'a.file_name']).where('a.file_location', 'like', '/crash/copy/%').execute(),
      );
      assert.equal(versions.length, Object.keys(files).length, 'no file of the copy was made twice');

      // 3. The delete's job dies after trashing its first file.
      await rig.expectDeath('project-asset.delete.after-first-file', async () => {
        const res = await rig.fetch('DELETE', `/api/projectassets/${copyId}/`);
        assert.equal(res.status, 202);
      });

      // 4. A clean server finishes the delete: the row is gone, every file of the copy is in the trash, the source kept.
      await rig.start();
      await waitFor('the delete to finish', async () => {
        const gone = await readDb((db) => db.selectFrom('project_assets').select('id').where('sequence', '=', copyId).executeTakeFirst());
        return gone === undefined ? true : undefined;
      });
      const copyLive = await readDb((db) => db.selectFrom('assets').select('id').where('file_location', 'like', '/crash/copy/%').where('is_active', '=', 1).execute());
      assert.deepEqual(copyLive, [], 'every file of the deleted copy is in the trash');
      const src = await rig.json('GET', `/api/projectassets/${source.body.id}/`);
      assert.equal(src.status, 200);
      assert.deepEqual(Object.keys(src.body.files).sort(), Object.keys(files).sort());
      const running = await readDb((db) => db.selectFrom('jobs').select(['name', 'state']).where('name', 'like', 'project_asset.%').where('state', '!=', 'completed').execute());
      assert.deepEqual(running, [], 'the project-asset jobs settled');
      rig.server.child.kill('SIGTERM');
      assert.deepEqual(await rig.server.exited, { code: 0, signal: null });
    });
  });
}
