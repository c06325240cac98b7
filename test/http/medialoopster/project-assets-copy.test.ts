import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { assertMlErrors, token } from './fixtures.js';
import { CREATE_KEYS, device, productionId, sha256, upload, wav } from './project-assets-fixtures.js';

/* Seed 003 "Copy Project Asset": the asynchronous copy (status_asset 0 -> 6 or -1), its permission rules, sharing. */

describeEachDatabase('medialoopster project assets: copy', (t) => {
  let ten: Tenant;
  let prod: number;
  let targetWs: string;
  let target: number;
  let source: number;
  let audio: { id: string; sequence: number };
  let pathDevice: number;
  const root = '/copy/source/bundle/';
  const files: Record<string, Buffer> = {
    'project_file.prproj': Buffer.from('premiere project to copy'),
    'media/voice.wav': wav(330),
    'renders/deep/frame-0001.txt': Buffer.from('frame one'),
  };

  before(async () => {
    ten = await t.factory.tenant();
    prod = await productionId(t, ten.workspaceId);
    targetWs = await t.factory.workspace(ten, 'Target production');
    target = await productionId(t, targetWs);
    pathDevice = await device(t, ten, targetWs, '/path/');
    for (const p of ['/copies/', '/shared/', '/broken/']) {
      await device(t, ten, targetWs, p);
    }
    for (const [rel, data] of Object.entries(files)) {
      const cut = rel.lastIndexOf('/');
      await upload(t, ten, `${root}${cut < 0 ? '' : rel.slice(0, cut + 1)}`, rel.slice(cut + 1), data);
    }
    audio = await upload(t, ten, '/library/', 'music.wav', wav(600));
    const res = await t.req('POST', '/api/projectassets/', { headers: token(ten), json: { name: 'Source', bundle_root: root, production_id: prod, path_file: `${root}project_file.prproj` } });
    assert.equal(res.status, 201, res.text);
    source = res.body.id;
    const link = await t.req('POST', `/api/projectassets/${source}/addasset/`, { headers: token(ten), json: { asset_list: [{ asset_id: audio.sequence, type: 'audio' }] } });
    assert.equal(link.status, 200, link.text);
  });

  test('the seed\'s copy: 201 with status_asset 0 and is_production false; the job copies every file, then 6 and true', async () => {
    const res = await t.req('POST', '/api/projectassets/', {
      headers: token(ten),
      json: { copy_of: source, name: 'Project Asset Name', bundle_root: '/path/to/the/project/bundle/', production_id: target, path_file: '/path/to/the/project/bundle/project_file.prproj' },
    });
    assert.equal(res.status, 201, res.text);
    const b = res.body;
    assert.deepEqual(Object.keys(b), CREATE_KEYS);
    assert.equal(b.status_asset, 0);
    assert.equal(b.is_production, false);
    assert.equal(b.type, 'Adobe Premiere Pro');
    assert.equal(b.path_file, '/path/to/the/project/bundle/project_file.prproj');
    assert.equal(b.bundle_root, '/path/to/the/project/bundle/');
    assert.equal(b.production, target);
    assert.equal(b.device, pathDevice, 'the device the bundle root lies on');
    assert.equal(b.name, 'Project Asset Name');
    assert.deepEqual(b.audio_assets.map((a: { id: number }) => a.id), [audio.sequence], 'linked media are linked to the copy');
    assert.deepEqual(b.files, {}, 'no file is there before the job');

    await t.jobs.runUntilIdle();
    const done = await t.req('GET', `/api/projectassets/${b.id}/`, { headers: token(ten) });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.body.status_asset, 6);
    assert.equal(done.body.is_production, true);
    assert.equal(done.body.status_asset_description, '');
    assert.deepEqual(Object.keys(done.body.files).sort(), Object.keys(files).sort());
    for (const [rel, data] of Object.entries(files)) {
      assert.equal(done.body.files[rel].checksum, sha256(data), rel);
      assert.equal(done.body.files[rel].size, data.length, rel);
    }
    // The copy's files are assets of the target production whose bytes download intact.
    const copied = await t.deps.db.selectFrom('assets').select(['id', 'file_location', 'file_name']).where('workspace_id', '=', targetWs).where('file_name', '=', 'voice.wav').executeTakeFirstOrThrow();
    assert.equal(copied.file_location, '/path/to/the/project/bundle/media/');
    const dl = await t.req('GET', `/workspaces/assets/${copied.id}/download`, { headers: { ...ten.headers, 'x-workspace-id': targetWs } });
    assert.equal(dl.status, 200, dl.text.slice(0, 200));
    // The source is untouched.
    const src = await t.req('GET', `/api/projectassets/${source}/`, { headers: token(ten) });
    assert.equal(src.body.status_asset, 6);
    assert.deepEqual(Object.keys(src.body.files).sort(), Object.keys(files).sort());
    const events = await t.deps.db.selectFrom('history_events').select('type').where('subject_type', '=', 'project_asset').where('workspace_id', '=', targetWs).orderBy('sequence').execute();
    assert.deepEqual(events.map((e) => e.type), ['project_asset_copy_requested', 'project_asset_copied']);
  });

  test('metadata and custom metadata carry over; overrides win (description, date_crt, name_editor, name_studio, status_approval)', async () => {
    const a = await t.req('POST', '/api/projectassets/', {
      headers: token(ten),
      json: { copy_of: source, name: 'Edited', bundle_root: '/copies/a/', production_id: target, description: 'Cut A', date_crt: '2017-01-13T17:30:00Z', name_editor: 'Ed', name_studio: 'Studio 9', status_approval: 0 },
    });
    assert.equal(a.status, 201, a.text);
    assert.deepEqual([a.body.description, a.body.date_crt, a.body.name_editor, a.body.name_studio, a.body.status_approval], ['Cut A', '2017-01-13T17:30:00.000000Z', 'Ed', 'Studio 9', 0]);
    await t.jobs.runUntilIdle();
    const b = await t.req('POST', '/api/projectassets/', { headers: token(ten), json: { copy_of: a.body.id, name: 'Copy of copy', bundle_root: '/copies/b/', production_id: target } });
    assert.equal(b.status, 201, b.text);
    assert.deepEqual([b.body.description, b.body.date_crt, b.body.name_editor, b.body.name_studio, b.body.status_approval, b.body.meta_field_store], ['Cut A', '2017-01-13T17:30:00.000000Z', 'Ed', 'Studio 9', 0, {}]);
  });

  test('permission rules: source must be in production; read on the source, write (copy) on the target, share needs admin', async () => {
    const before = await t.count('project_assets');
    // A copy still in progress (is_production false) cannot be copied.
    const inProgress = await t.req('POST', '/api/projectassets/', { headers: token(ten), json: { copy_of: source, name: 'Busy', bundle_root: '/copies/busy/', production_id: target } });
    assert.equal(inProgress.status, 201);
    const busy = await t.req('POST', '/api/projectassets/', { headers: token(ten), json: { copy_of: inProgress.body.id, name: 'No', bundle_root: '/copies/no/', production_id: target } });
    const [e1] = assertMlErrors(busy, 400);
    assert.equal(e1?.source?.pointer, '/copy_of');
    assert.match(e1?.detail ?? '', /not in production/);
    await t.jobs.runUntilIdle();

    // An editor of the source production who only reads the target: 403.
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    await t.deps.db.insertInto('workspace_members').values({ id: crypto.randomUUID(), workspace_id: targetWs, user_id: editor.userId, role: 'viewer', created_at: new Date().toISOString(), updated_at: new Date().toISOString() }).execute();
    const noWrite = await t.req('POST', '/api/projectassets/', { headers: token(editor), json: { copy_of: source, name: 'No', bundle_root: '/copies/no/', production_id: target } });
    assertMlErrors(noWrite, 403, 'permission_denied');
    // Editor on the target: the copy is allowed, sharing the linked assets is not.
    await t.deps.db.updateTable('workspace_members').set({ role: 'editor' }).where('workspace_id', '=', targetWs).where('user_id', '=', editor.userId).execute();
    const share = await t.req('POST', '/api/projectassets/?share_linked_assets=1', { headers: token(editor), json: { copy_of: source, name: 'No', bundle_root: '/copies/no/', production_id: target } });
    assertMlErrors(share, 403, 'permission_denied');
    // No read on the source production: the source does not exist for them.
    const outsider = await t.factory.member(ten, { workspace: null });
    await t.deps.db.insertInto('workspace_members').values({ id: crypto.randomUUID(), workspace_id: targetWs, user_id: outsider.userId, role: 'admin', created_at: new Date().toISOString(), updated_at: new Date().toISOString() }).execute();
    const noRead = await t.req('POST', '/api/projectassets/', { headers: token(outsider), json: { copy_of: source, name: 'No', bundle_root: '/copies/no/', production_id: target } });
    const [e2] = assertMlErrors(noRead, 400, 'invalid');
    assert.equal(e2?.source?.pointer, '/copy_of');
    // Another tenant's source: the same.
    const other = await t.factory.tenant();
    const foreign = await t.req('POST', '/api/projectassets/', { headers: token(other), json: { copy_of: source, name: 'No', bundle_root: '/no/', production_id: await productionId(t, other.workspaceId) } });
    assertMlErrors(foreign, 400);
    // A bundle_root on no device of the target: "It must be on a Device."
    const offDevice = await t.req('POST', '/api/projectassets/', { headers: token(ten), json: { copy_of: source, name: 'No', bundle_root: '/nowhere/', production_id: target } });
    assert.equal(assertMlErrors(offDevice, 400)[0]?.source?.pointer, '/bundle_root');
    // Copy onto the source's own bundle: refused.
    const overlap = await t.req('POST', '/api/projectassets/', { headers: token(ten), json: { copy_of: source, name: 'No', bundle_root: `${root}inner/`, production_id: prod } });
    assertMlErrors(overlap, 400);
    assert.equal(await t.count('project_assets'), before + 1, 'only the allowed copy was made');
  });

  test('a file whose bytes are gone: the copy ends in -1 with the reason, is_production stays false', async () => {
    const r = '/fragile/bundle/';
    const lost = Buffer.from(`bytes that will be lost ${Date.now()}`);
    await upload(t, ten, r, 'cut.prproj', `fragile project ${Date.now()}`);
    await upload(t, ten, r, 'lost.txt', lost);
    const src = await t.req('POST', '/api/projectassets/', { headers: token(ten), json: { name: 'Fragile', bundle_root: r, production_id: prod } });
    assert.equal(src.status, 201, src.text);
    await t.jobs.runUntilIdle();
    await t.deps.blobs.delete(sha256(lost));
    const copy = await t.req('POST', '/api/projectassets/', { headers: token(ten), json: { copy_of: src.body.id, name: 'Broken copy', bundle_root: '/broken/copy/', production_id: target } });
    assert.equal(copy.status, 201, copy.text);
    await t.jobs.runUntilIdle();
    const got = await t.req('GET', `/api/projectassets/${copy.body.id}/`, { headers: token(ten) });
    assert.equal(got.body.status_asset, -1);
    assert.equal(got.body.is_production, false);
    assert.match(got.body.status_asset_description, /lost\.txt/);
    assert.equal(await t.count('project_asset_copy_files'), 0, 'the failed copy\'s list is forgotten');
  });

  test('share_linked_assets=1: the linked media are shared to the target (TRANSFERRING -> AVAILABLE, bytes copied), never twice', async () => {
    const res = await t.req('POST', '/api/projectassets/?share_linked_assets=true', { headers: token(ten), json: { copy_of: source, name: 'Shared', bundle_root: '/shared/copy/', production_id: target } });
    assert.equal(res.status, 201, res.text);
    const rec = await t.deps.db.selectFrom('production_contents').selectAll().where('workspace_id', '=', targetWs).where('asset_id', '=', audio.id).execute();
    assert.deepEqual(rec.length, 0, 'shared once the files are copied');
    await t.jobs.runUntilIdle();
    const after = await t.deps.db.selectFrom('production_contents').selectAll().where('workspace_id', '=', targetWs).where('asset_id', '=', audio.id).execute();
    assert.equal(after.length, 1);
    assert.equal(after[0]?.state, 'AVAILABLE');
    const shared = await t.deps.db
      .selectFrom('assets as a')
      .innerJoin('asset_versions as v', 'v.id', 'a.current_version_id')
      .select(['a.workspace_id', 'v.checksum'])
      .where('a.id', '=', after[0]?.shared_asset_id ?? '')
      .executeTakeFirstOrThrow();
    assert.deepEqual([shared.workspace_id, shared.checksum], [targetWs, sha256(wav(600))]);
    const again = await t.req('POST', '/api/projectassets/?share_linked_assets=1', { headers: token(ten), json: { copy_of: source, name: 'Shared again', bundle_root: '/shared/again/', production_id: target } });
    assert.equal(again.status, 201, again.text);
    await t.jobs.runUntilIdle();
    const twice = await t.deps.db.selectFrom('production_contents').select('id').where('workspace_id', '=', targetWs).where('asset_id', '=', audio.id).execute();
    assert.equal(twice.length, 1, 'never shared twice to one production');
    const bad = await t.req('POST', '/api/projectassets/?share_linked_assets=maybe', { headers: token(ten), json: { copy_of: source, name: 'x', bundle_root: '/x/', production_id: target } });
    assertMlErrors(bad, 400);
  });
});
