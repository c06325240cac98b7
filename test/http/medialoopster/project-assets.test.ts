import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { assertMlErrors, basic, ISO_MICROS, token } from './fixtures.js';
import { CREATE_KEYS, productionId, sha256, upload } from './project-assets-fixtures.js';

/* Seed 003, project assets: create, list (bundle_root), get, and their errors, verbatim. */

describeEachDatabase('medialoopster project assets: create, list, get', (t) => {
  let ten: Tenant;
  let prod: number;
  const root = '/path/to/the/project/bundle/';
  const prproj = Buffer.from('\x1f\x8b\x08\x00 not really gzip but a premiere project');

  before(async () => {
    ten = await t.factory.tenant();
    prod = await productionId(t, ten.workspaceId);
    await upload(t, ten, root, 'project_file.prproj', prproj);
    await upload(t, ten, `${root}media/`, 'clip.txt', 'some bundle file');
  });

  test('POST /api/projectassets/ with the seed\'s sample body answers 201 with the seed\'s fields and types', async () => {
    const before = await t.count('project_assets');
    const res = await t.req('POST', '/api/projectassets/', {
      headers: token(ten),
      json: { name: 'Project Asset Name', bundle_root: root, production_id: prod, path_file: `${root}project_file.prproj` },
    });
    assert.equal(res.status, 201, res.text);
    const b = res.body;
    assert.deepEqual(Object.keys(b), CREATE_KEYS);
    assert.equal(typeof b.id, 'number');
    assert.deepEqual([b.audio_assets, b.image_assets, b.video_assets], [[], [], []]);
    assert.equal(b.name, 'Project Asset Name');
    assert.equal(b.description, '');
    assert.equal(b.date_crt, null);
    assert.match(b.date_add, ISO_MICROS);
    assert.match(b.date_mod, ISO_MICROS);
    assert.equal(b.date_del, null);
    assert.deepEqual(b.meta_field_store, {});
    assert.equal(b.status_asset, 6);
    assert.equal(b.status_asset_description, '');
    assert.equal(b.status_editing, 0);
    assert.equal(b.status_approval, 1);
    assert.equal(b.path_file, '/path/to/the/project/bundle/project_file.prproj');
    assert.equal(b.bundle_root, '/path/to/the/project/bundle/');
    assert.equal(b.type, 'Adobe Premiere Pro');
    assert.equal(b.is_archive, false);
    assert.equal(b.is_production, true);
    assert.deepEqual(Object.keys(b.files).sort(), ['media/clip.txt', 'project_file.prproj']);
    assert.deepEqual(b.files['project_file.prproj'].checksum, sha256(prproj));
    assert.equal(b.files['project_file.prproj'].size, prproj.length);
    assert.equal(b.name_editor, '');
    assert.equal(b.name_studio, '');
    assert.equal(b.locked_by, null);
    assert.equal(b.production, prod);
    assert.equal(await t.count('project_assets'), before + 1);

    // The project asset is the Atelier asset of its project file (renamed to the project asset's name).
    const row = await t.deps.db.selectFrom('project_assets').select('asset_id').where('sequence', '=', b.id).executeTakeFirstOrThrow();
    const core = await t.req('GET', `/workspaces/assets/${row.asset_id}`, { headers: ten.headers });
    assert.equal(core.status, 200, core.text);
    assert.equal(core.body.name, 'Project Asset Name');
    assert.equal(core.body.file_name, 'project_file.prproj');
    const got = await t.req('GET', `/api/projectassets/${b.id}/`, { headers: token(ten) });
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.body, b);
  });

  test('the 400 of the seed: every missing required field at once, in the list form with pointers; nothing written', async () => {
    const before = await t.count('project_assets');
    const assetsBefore = await t.count('assets');
    const res = await t.req('POST', '/api/projectassets/', { headers: token(ten), json: { production_id: prod } });
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(res.body, {
      errors: [
        { status: '400', source: { pointer: '/bundle_root' }, code: 'required', detail: 'This field is required.', title: 'Validation Error' },
        { status: '400', source: { pointer: '/name' }, code: 'required', detail: 'This field is required.', title: 'Validation Error' },
      ],
    });
    assert.equal(await t.count('project_assets'), before);
    assert.equal(await t.count('assets'), assetsBefore);
  });

  test('create by production_name, as form data; production_id wins over production_name', async () => {
    const ws = await t.deps.db.selectFrom('workspaces').select('name').where('id', '=', ten.workspaceId).executeTakeFirstOrThrow();
    const form = await t.req('POST', '/api/projectassets/', {
      headers: { ...token(ten), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ name: 'Form made', bundle_root: '/form/bundle/', production_name: ws.name }).toString(),
    });
    assert.equal(form.status, 201, form.text);
    assert.equal(form.body.production, prod);
    assert.equal(form.body.bundle_root, '/form/bundle/');
    assert.equal(form.body.type, '');
    const both = await t.req('POST', '/api/projectassets/', {
      headers: token(ten),
      json: { name: 'Both', bundle_root: '/both/', production_id: prod, production_name: 'no such production' },
    });
    assert.equal(both.status, 201, both.text);
  });

  test('the NLE type comes from the project file: extension, or the XML root of an .xml', async () => {
    await upload(t, ten, '/nle/fcp/', 'cut.xml', '<?xml version="1.0"?>\n<fcpxml version="1.10"><resources/></fcpxml>');
    const cases: Array<[string, string]> = [['/nle/fcp/cut.xml', 'Final Cut Pro'], ['/nle/avid/show.avp', 'Avid Media Composer'], ['/nle/resolve/grade.drp', 'DaVinci Resolve'], ['/nle/old/legacy.fcp', '']];
    for (const [pathFile, type] of cases) {
      const root = pathFile.slice(0, pathFile.lastIndexOf('/') + 1);
      const res = await t.req('POST', '/api/projectassets/', { headers: token(ten), json: { name: pathFile, bundle_root: root, production_id: prod, path_file: pathFile } });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.type, type, pathFile);
      assert.equal(res.body.path_file, pathFile);
    }
  });

  test('bad input: a path_file outside bundle_root, a relative bundle_root, a non-integer production_id: 400 naming the field', async () => {
    const before = await t.count('project_assets');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'x', bundle_root: '/a/', production_id: prod, path_file: '/b/x.prproj' }, '/path_file'],
      [{ name: 'x', bundle_root: 'relative/', production_id: prod }, '/bundle_root'],
      [{ name: 'x', bundle_root: '/a/../b/', production_id: prod }, '/bundle_root'],
      [{ name: 'x', bundle_root: '/a/', production_id: 'one' }, '/production_id'],
      [{ name: 5, bundle_root: '/a/', production_id: prod }, '/name'],
    ];
    for (const [json, pointer] of cases) {
      const res = await t.req('POST', '/api/projectassets/', { headers: token(ten), json });
      const [e] = assertMlErrors(res, 400);
      assert.equal(e?.source?.pointer, pointer, res.text);
    }
    assert.equal(await t.count('project_assets'), before);
  });

  test('GET /api/projectassets/ is a bare array with X-Total-Count and Link; bundle_root filters (trailing slash)', async () => {
    const all = await t.req('GET', '/api/projectassets/?limit=2', { headers: token(ten) });
    assert.equal(all.status, 200, all.text);
    assert.ok(Array.isArray(all.body));
    assert.equal(all.body.length, 2);
    const total = Number(all.headers['x-total-count']);
    assert.ok(total >= 4, String(total));
    assert.match(String(all.headers.link), /rel="next"/);
    const one = await t.req('GET', `/api/projectassets/?bundle_root=${encodeURIComponent(root)}`, { headers: token(ten) });
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.length, 1);
    assert.equal(one.body[0].bundle_root, root);
    assert.equal(one.headers['x-total-count'], '1');
    const none = await t.req('GET', `/api/projectassets/?bundle_root=${encodeURIComponent('/nothing/here/')}`, { headers: token(ten) });
    assert.deepEqual(none.body, []);
    const noSlash = await t.req('GET', `/api/projectassets/?bundle_root=${encodeURIComponent('/path/to')}`, { headers: token(ten) });
    const [e] = assertMlErrors(noSlash, 400);
    assert.equal(e?.source?.pointer, '/bundle_root');
  });

  test('GET of an unknown id is the seed\'s 404: not_found "ProjectAsset object with pk=u\'{id}\' does not exist."', async () => {
    const res = await t.req('GET', '/api/projectassets/999999/', { headers: token(ten) });
    assert.deepEqual(res.body, { errors: [{ status: '404', code: 'not_found', detail: "ProjectAsset object with pk=u'999999' does not exist.", title: 'Not Found' }] });
    assert.equal(res.status, 404);
    const word = await t.req('GET', '/api/projectassets/abc/', { headers: token(ten) });
    assertMlErrors(word, 404, 'not_found');
  });

  test('another tenant\'s project asset and production read as absent (404); its list does not show ours', async () => {
    const other = await t.factory.tenant();
    const mine = await t.req('GET', '/api/projectassets/?limit=1', { headers: token(ten) });
    const id = mine.body[0].id as number;
    const get = await t.req('GET', `/api/projectassets/${id}/`, { headers: token(other) });
    assertMlErrors(get, 404, 'not_found');
    const del = await t.req('DELETE', `/api/projectassets/${id}/`, { headers: token(other) });
    assertMlErrors(del, 404, 'does_not_exist');
    const add = await t.req('POST', `/api/projectassets/${id}/addasset/`, { headers: token(other), json: { asset_list: [] } });
    assertMlErrors(add, 404, 'not_found');
    const list = await t.req('GET', '/api/projectassets/', { headers: token(other) });
    assert.deepEqual(list.body, []);
    assert.equal(list.headers['x-total-count'], '0');
    const create = await t.req('POST', '/api/projectassets/', { headers: token(other), json: { name: 'x', bundle_root: '/x/', production_id: prod } });
    assertMlErrors(create, 404);
  });

  test('missing or wrong credentials are 401; Basic key:secret works; a viewer cannot create (403)', async () => {
    const none = await t.req('GET', '/api/projectassets/');
    assertMlErrors(none, 401, 'not_authenticated');
    const wrong = await t.req('GET', '/api/projectassets/', { headers: { authorization: 'Token not-a-token' } });
    assertMlErrors(wrong, 401, 'authentication_failed');
    const post = await t.req('POST', '/api/projectassets/', { json: { name: 'x', bundle_root: '/x/', production_id: prod } });
    assertMlErrors(post, 401, 'not_authenticated');
    const viaBasic = await t.req('GET', '/api/projectassets/', { headers: basic(ten) });
    assert.equal(viaBasic.status, 200, viaBasic.text);
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const before = await t.count('project_assets');
    const denied = await t.req('POST', '/api/projectassets/', { headers: token(viewer), json: { name: 'x', bundle_root: '/viewer/', production_id: prod } });
    assertMlErrors(denied, 403, 'permission_denied');
    assert.equal(await t.count('project_assets'), before);
    const read = await t.req('GET', `/api/projectassets/?bundle_root=${encodeURIComponent(root)}`, { headers: token(viewer) });
    assert.equal(read.body.length, 1, 'a viewer reads');
  });

  test('creating a project asset is a core change: history of its project file\'s asset', async () => {
    const res = await t.req('POST', '/api/projectassets/', { headers: token(ten), json: { name: 'Historic', bundle_root: '/hist/', production_id: prod } });
    assert.equal(res.status, 201, res.text);
    const row = await t.deps.db.selectFrom('project_assets').select('asset_id').where('sequence', '=', res.body.id).executeTakeFirstOrThrow();
    const ev = await t.deps.db.selectFrom('history_events').select(['type', 'subject_type']).where('asset_id', '=', row.asset_id).orderBy('sequence').execute();
    assert.deepEqual(ev.map((e) => e.type), ['asset_created', 'project_asset_created']);
  });
});
