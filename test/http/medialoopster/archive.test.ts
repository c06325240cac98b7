import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { assertMlErrors, token } from './fixtures.js';
import { device, productionId, sha256, upload, wav } from './project-assets-fixtures.js';

/* Spec §2.3.7: archive moves an asset's high-res file to an archive device, restore brings it back; both queued. */

describeEachDatabase('medialoopster archive and restore', (t) => {
  let ten: Tenant;
  let prod: number;
  let pa: number;
  before(async () => {
    ten = await t.factory.tenant();
    prod = await productionId(t, ten.workspaceId);
    await device(t, ten, ten.workspaceId, '/media/');
    await device(t, ten, ten.workspaceId, '/archive/', { is_archive: true, archive_connector: 'lto' });
    await upload(t, ten, '/media/edit/', 'cut.prproj', 'project');
    const res = await t.req('POST', '/api/projectassets/', { headers: token(ten), json: { name: 'Cut', bundle_root: '/media/edit/', production_id: prod } });
    assert.equal(res.status, 201, res.text);
    pa = res.body.id;
  });

  /** is_archive / is_production of a media asset, as a project asset linking it shows them. */
  const flagsOf = async (seq: number): Promise<[boolean, boolean, string]> => {
    const got = await t.req('GET', `/api/projectassets/${pa}/`, { headers: token(ten) });
    const a = got.body.audio_assets.find((x: { id: number }) => x.id === seq);
    return [a.is_archive, a.is_production, a.path_file];
  };

  test('archive: 202 with a queued ImportLog; the job moves the file to the archive device; restore brings it back', async () => {
    const data = wav(700);
    const a = await upload(t, ten, '/media/audio/', 'vo.wav', data);
    assert.equal((await t.req('POST', `/api/projectassets/${pa}/addasset/`, { headers: token(ten), json: { asset_list: [{ asset_id: a.sequence, type: 'audio' }] } })).status, 200);
    assert.deepEqual(await flagsOf(a.sequence), [false, true, '/media/audio/vo.wav']);

    const arch = await t.req('POST', '/api/archiveactivities/', { headers: token(ten), json: [{ content_type_id: 1, asset_id: a.sequence, archive_type: 'move', archive_connector: 'lto' }] });
    assert.equal(arch.status, 202, arch.text);
    assert.equal(arch.body.length, 1);
    assert.deepEqual([arch.body[0].type, arch.body[0].state, arch.body[0].asset, arch.body[0].asset_type, arch.body[0].production], ['archive', 'queued', a.sequence, 'audio', prod]);
    // Queued: nothing has moved, and the flags say so.
    assert.deepEqual(await flagsOf(a.sequence), [false, true, '/media/audio/vo.wav']);
    await t.jobs.runUntilIdle();
    const log = await t.req('GET', `/api/importlogs/${arch.body[0].id}/`, { headers: token(ten) });
    assert.equal(log.body.state, 'completed', log.text);
    assert.deepEqual(await flagsOf(a.sequence), [true, false, '/archive/audio/vo.wav']);
    // The media asset itself says the same, and the is_archive / is_production filters find it.
    const media = await t.req('GET', `/api/audioassets/${a.sequence}/`, { headers: token(ten) });
    assert.equal(media.status, 200, media.text);
    assert.deepEqual([media.body.is_archive, media.body.is_production, media.body.path_file, media.body.projects], [true, false, '/archive/audio/vo.wav', [pa]]);
    const archivedList = await t.req('GET', '/api/audioassets/?is_archive=true', { headers: token(ten) });
    assert.deepEqual(archivedList.body.map((x: { id: number }) => x.id), [a.sequence]);
    const online = await t.req('GET', '/api/audioassets/?is_production=true', { headers: token(ten) });
    assert.ok(!online.body.some((x: { id: number }) => x.id === a.sequence));
    const v = await t.deps.db.selectFrom('assets as x').innerJoin('asset_versions as v', 'v.id', 'x.current_version_id').select('v.checksum').where('x.id', '=', a.id).executeTakeFirstOrThrow();
    assert.equal(v.checksum, sha256(data), 'the same bytes');

    const again = await t.req('POST', '/api/archiveactivities/', { headers: token(ten), json: [{ content_type_id: 1, asset_id: a.sequence }] });
    assert.equal(assertMlErrors(again, 400)[0]?.source?.pointer, '/0/asset_id');

    const rest = await t.req('POST', '/api/restoreactivities/', { headers: token(ten), json: [{ content_type_id: 1, asset_id: a.sequence }] });
    assert.equal(rest.status, 202, rest.text);
    assert.equal(rest.body[0].type, 'restore');
    await t.jobs.runUntilIdle();
    assert.equal((await t.req('GET', `/api/importlogs/${rest.body[0].id}/`, { headers: token(ten) })).body.state, 'completed');
    assert.deepEqual(await flagsOf(a.sequence), [false, true, '/media/audio/vo.wav']);
    const events = await t.deps.db.selectFrom('history_events').select('type').where('asset_id', '=', a.id).where('type', 'like', 'asset_%archive%').orderBy('sequence').execute();
    assert.deepEqual(events.map((e) => e.type), ['asset_archived', 'asset_restored_from_archive']);
  });

  test('bad input refuses the whole request with nothing queued: kind mismatch, unknown id, not archived, no such connector', async () => {
    const a = await upload(t, ten, '/media/audio/', 'other.wav', wav(710));
    const before = await t.count('import_logs');
    const cases: Array<[string, unknown, string]> = [
      ['/archiveactivities/', [{ content_type_id: 3, asset_id: a.sequence }], '/0/asset_id'],
      ['/archiveactivities/', [{ content_type_id: 9, asset_id: a.sequence }], '/0/content_type_id'],
      ['/archiveactivities/', [{ content_type_id: 1, asset_id: 99999999 }], '/0/asset_id'],
      ['/archiveactivities/', [{ content_type_id: 1, asset_id: a.sequence, archive_connector: 'tape' }], '/0/archive_connector'],
      ['/archiveactivities/', [], '/'],
      ['/restoreactivities/', [{ content_type_id: 1, asset_id: a.sequence }], '/0/asset_id'],
    ];
    for (const [path, json, pointer] of cases) {
      const res = await t.req('POST', `/api${path}`, { headers: token(ten), json });
      assert.equal(assertMlErrors(res, 400)[0]?.source?.pointer, pointer, `${path} ${JSON.stringify(json)}: ${res.text}`);
    }
    assert.equal(await t.count('import_logs'), before);
  });

  test('another tenant\'s asset reads as absent; a viewer may not archive; no credentials 401', async () => {
    const a = await upload(t, ten, '/media/audio/', 'mine.wav', wav(720));
    const other = await t.factory.tenant();
    const foreign = await t.req('POST', '/api/archiveactivities/', { headers: token(other), json: [{ content_type_id: 1, asset_id: a.sequence }] });
    assert.equal(assertMlErrors(foreign, 400)[0]?.source?.pointer, '/0/asset_id');
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    assertMlErrors(await t.req('POST', '/api/archiveactivities/', { headers: token(viewer), json: [{ content_type_id: 1, asset_id: a.sequence }] }), 403, 'permission_denied');
    assertMlErrors(await t.req('POST', '/api/restoreactivities/', { json: [{ content_type_id: 1, asset_id: a.sequence }] }), 401, 'not_authenticated');
  });
});
