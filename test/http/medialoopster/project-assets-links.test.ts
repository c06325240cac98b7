import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { HttpSink, type SinkRequest } from '../../harness/http-sink.js';
import { png } from '../mudstack/accounts-fixtures.js';
import { assertMlErrors, token } from './fixtures.js';
import { productionId, upload, wav } from './project-assets-fixtures.js';

/* Seed 003: POST /projectassets/{id}/addasset/ (JSON only) and the asynchronous DELETE (202). */

function verify(req: SinkRequest, secret: string): { type: string; data: Record<string, unknown> } {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${String(req.headers['webhook-id'])}.${String(req.headers['webhook-timestamp'])}.${req.body}`).digest('base64');
  assert.ok(String(req.headers['webhook-signature']).split(' ').includes(`v1,${expected}`), 'signed');
  return JSON.parse(req.body);
}

describeEachDatabase('medialoopster project assets: addasset and DELETE', (t) => {
  const sink = new HttpSink();
  let ten: Tenant;
  let prod: number;
  let audio: { id: string; sequence: number };
  let image: { id: string; sequence: number };
  let pa: number;
  const root = '/links/bundle/';
  before(async () => {
    await sink.start();
    ten = await t.factory.tenant();
    prod = await productionId(t, ten.workspaceId);
    await upload(t, ten, root, 'edit.prproj', 'premiere project bytes');
    audio = await upload(t, ten, '/media/audio/', 'tone.wav', wav(440));
    image = await upload(t, ten, `${root}stills/`, 'still.png', await png());
    const res = await t.req('POST', '/api/projectassets/', { headers: token(ten), json: { name: 'Links', bundle_root: root, production_id: prod } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.path_file, `${root}edit.prproj`, 'the project file is found in the bundle');
    pa = res.body.id;
  });
  after(() => sink.stop());

  test('the seed\'s 422: an unsupported type without silent_mode refuses the whole request, nothing linked', async () => {
    const res = await t.req('POST', `/api/projectassets/${pa}/addasset/`, {
      headers: token(ten),
      json: { asset_list: [{ asset_id: 20, type: 'other' }, { asset_id: audio.sequence, type: 'audio' }] },
    });
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body, { detail: "The provided asset type 'other' at asset list entry at index '0' is not supported. Must be one of 'audio', 'image' or 'video'" });
    assert.equal(await t.count('project_asset_links'), 0);
  });

  test('the seed\'s 400: no asset_list is {"detail": "The field \'asset_list\' is required to add assets to a project."}', async () => {
    const res = await t.req('POST', `/api/projectassets/${pa}/addasset/`, { headers: token(ten), json: {} });
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(res.body, { detail: "The field 'asset_list' is required to add assets to a project." });
    const notList = await t.req('POST', `/api/projectassets/${pa}/addasset/`, { headers: token(ten), json: { asset_list: 'x' } });
    assert.equal(notList.status, 400);
    assert.deepEqual(Object.keys(notList.body), ['detail']);
  });

  test('addasset is JSON only: a form body is 415', async () => {
    const res = await t.req('POST', `/api/projectassets/${pa}/addasset/`, {
      headers: { ...token(ten), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'asset_list=1',
    });
    assertMlErrors(res, 415, 'unsupported_media_type');
  });

  test('the seed\'s 200: newly, already and (silent_mode) invalid assets; the links show on the project asset', async () => {
    const first = await t.req('POST', `/api/projectassets/${pa}/addasset/`, { headers: token(ten), json: { asset_list: [{ asset_id: image.sequence, type: 'image' }] } });
    assert.equal(first.status, 200, first.text);
    const res = await t.req('POST', `/api/projectassets/${pa}/addasset/`, {
      headers: token(ten),
      json: {
        asset_list: [
          { asset_id: audio.sequence, type: 'audio' },
          { asset_id: image.sequence, type: 'image' },
          { asset_id: 20, type: 'other' },
          { asset_id: audio.sequence, type: 'video' },
        ],
        silent_mode: true,
      },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, {
      newly_linked_assets: [{ asset_id: audio.sequence, type: 'audio' }],
      already_linked_assets: [{ asset_id: image.sequence, type: 'image' }],
      invalid_assets: [{ asset_id: 20, type: 'other' }, { asset_id: audio.sequence, type: 'video' }],
    });
    const got = await t.req('GET', `/api/projectassets/${pa}/`, { headers: token(ten) });
    assert.deepEqual(got.body.audio_assets.map((a: { id: number }) => a.id), [audio.sequence]);
    assert.deepEqual(got.body.image_assets.map((a: { id: number; path_file: string }) => [a.id, a.path_file]), [[image.sequence, `${root}stills/still.png`]]);
    assert.deepEqual(got.body.video_assets, []);
    assert.equal(got.body.audio_assets[0].production, prod);
    // {AUDIOASSET_OBJECT}: the embedded object is the media asset exactly as its own route shows it.
    const own = await t.req('GET', `/api/audioassets/${audio.sequence}/`, { headers: token(ten) });
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(got.body.audio_assets[0], own.body);
    assert.deepEqual(own.body.projects, [pa]);
  });

  test('an asset of the wrong kind, an unknown id, or another tenant\'s asset: 422 without silent_mode', async () => {
    const other = await t.factory.tenant();
    const foreign = await upload(t, other, '/x/', 'x.wav', wav(220));
    for (const entry of [{ asset_id: audio.sequence, type: 'image' }, { asset_id: 99999999, type: 'audio' }, { asset_id: foreign.sequence, type: 'audio' }, { asset_id: 'one', type: 'audio' }]) {
      const res = await t.req('POST', `/api/projectassets/${pa}/addasset/`, { headers: token(ten), json: { asset_list: [entry] } });
      assert.equal(res.status, 422, res.text);
      assert.deepEqual(Object.keys(res.body), ['detail']);
    }
  });

  test('linking is a core change: signed webhooks hear it; with silent_mode history keeps it but nothing is sent', async () => {
    const hook = await t.req('POST', '/workspaces/webhooks', { headers: ten.headers, json: { url: `${sink.url}/ml`, event_types: ['project_asset_assets_linked'] } });
    assert.equal(hook.status, 201, hook.text);
    const v1 = await upload(t, ten, '/media/audio/', 'loud.wav', wav(300));
    const v2 = await upload(t, ten, '/media/audio/', 'quiet.wav', wav(310));
    const loud = await t.req('POST', `/api/projectassets/${pa}/addasset/`, { headers: token(ten), json: { asset_list: [{ asset_id: v1.sequence, type: 'audio' }] } });
    assert.equal(loud.status, 200, loud.text);
    const quiet = await t.req('POST', `/api/projectassets/${pa}/addasset/`, { headers: token(ten), json: { asset_list: [{ asset_id: v2.sequence, type: 'audio' }], silent_mode: true } });
    assert.equal(quiet.status, 200, quiet.text);
    await t.jobs.runUntilIdle();
    const got = sink.requests.filter((r) => r.path === '/ml').map((r) => verify(r, hook.body.secret));
    assert.equal(got.length, 1, 'only the loud change is delivered');
    assert.equal(got[0]?.type, 'project_asset_assets_linked');
    assert.deepEqual(got[0]?.data['assets'], [{ asset_id: v1.sequence, type: 'audio' }]);
    const events = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('type', '=', 'project_asset_assets_linked').where('workspace_id', '=', ten.workspaceId).execute();
    assert.ok(events.some((e) => JSON.parse(e.data).silent === true), 'the silent change is in history');
  });

  test('a viewer may not link (403); no credentials 401', async () => {
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const res = await t.req('POST', `/api/projectassets/${pa}/addasset/`, { headers: token(viewer), json: { asset_list: [{ asset_id: audio.sequence, type: 'audio' }] } });
    assertMlErrors(res, 403, 'permission_denied');
    const none = await t.req('POST', `/api/projectassets/${pa}/addasset/`, { json: { asset_list: [] } });
    assertMlErrors(none, 401, 'not_authenticated');
  });

  test('DELETE answers 202 with no body; a job trashes the bundle\'s files but keeps linked media; then 404', async () => {
    const r = '/doomed/bundle/';
    await upload(t, ten, r, 'cut.prproj', 'doomed project');
    const extra = await upload(t, ten, `${r}render/`, 'frame.txt', 'render output');
    const linked = await upload(t, ten, `${r}audio/`, 'keep.wav', wav(500));
    const created = await t.req('POST', '/api/projectassets/', { headers: token(ten), json: { name: 'Doomed', bundle_root: r, production_id: prod } });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as number;
    assert.equal((await t.req('POST', `/api/projectassets/${id}/addasset/`, { headers: token(ten), json: { asset_list: [{ asset_id: linked.sequence, type: 'audio' }] } })).status, 200);

    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    assertMlErrors(await t.req('DELETE', `/api/projectassets/${id}/`, { headers: token(viewer) }), 403, 'permission_denied');

    const del = await t.req('DELETE', `/api/projectassets/${id}/`, { headers: token(ten) });
    assert.equal(del.status, 202, del.text);
    assert.equal(del.text, '');
    // Accepted: hidden at once, removed by the job.
    assertMlErrors(await t.req('GET', `/api/projectassets/${id}/`, { headers: token(ten) }), 404, 'not_found');
    await t.jobs.runUntilIdle();
    const live = async (assetId: string) => (await t.deps.db.selectFrom('assets').select('is_active').where('id', '=', assetId).executeTakeFirstOrThrow()).is_active;
    assert.equal(await live(extra.id), 0, 'the bundle\'s files are in the trash');
    assert.equal(await live(linked.id), 1, 'linked media are kept');
    const row = await t.deps.db.selectFrom('project_assets').select('id').where('sequence', '=', id).executeTakeFirst();
    assert.equal(row, undefined);
    const again = await t.req('DELETE', `/api/projectassets/${id}/`, { headers: token(ten) });
    assert.equal(again.status, 404);
    assert.deepEqual(again.body, { errors: [{ status: '404', code: 'does_not_exist', detail: `The project asset ${id} does not exist.`, title: 'Not Found' }] });
  });

  test('the seed\'s DELETE 404: "The project asset 123 does not exist."', async () => {
    const res = await t.req('DELETE', '/api/projectassets/123456789/', { headers: token(ten) });
    assert.deepEqual(res.body, { errors: [{ status: '404', code: 'does_not_exist', detail: 'The project asset 123456789 does not exist.', title: 'Not Found' }] });
  });
}, { WEBHOOK_ALLOW_PRIVATE: 'true' });
