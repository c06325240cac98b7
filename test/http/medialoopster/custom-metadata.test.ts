import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { makeImage, makeVideo } from '../../media/fixtures.js';
import { assertMlErrors, token } from './fixtures.js';
import { uploadTo } from './media-fixtures.js';

describeEachDatabase('medialoopster custom metadata', (t) => {
  let owner: Tenant;
  let member: Tenant;
  let other: Tenant;
  let director: { id: string; sequence: number };
  let episode: { id: string; sequence: number };
  let caption: { id: string; sequence: number };
  let videoSet: { id: string; sequence: number };
  let rule: { id: string; sequence: number };
  let video: { uuid: string; id: number };
  let image: { uuid: string; id: number };
  const acct = (ten: Tenant) => ({ authorization: ten.headers.authorization ?? '', 'x-account-id': ten.accountId });

  before(async () => {
    owner = await t.factory.tenant();
    member = await t.factory.member(owner, { workspace: 'editor' });
    other = await t.factory.tenant();
    const post = async (path: string, json: unknown) => {
      const res = await t.req('POST', `/accounts/custom-metadata/${path}`, { headers: acct(owner), json });
      assert.equal(res.status, 201, res.text);
      return res.body;
    };
    videoSet = await post('sets', { name: 'Video', content_type: 'video' });
    const imageSet = await post('sets', { name: 'Stills', content_type: 'image' });
    rule = await post('rules', { name: 'Episode code', regex: 'S[0-9]{2}E[0-9]{2}', message: 'Use the form S01E02.' });
    director = await post('fields', { set_id: videoSet.id, key: 'company.cvams.director', value: 'Video Director', order: 2 });
    episode = await post('fields', { set_id: videoSet.id, key: 'company.cvams.episode', value: 'Episode', order: 1, rule_id: rule.id });
    caption = await post('fields', { set_id: imageSet.id, key: 'company.cvams.caption', value: 'Caption', order: 1 });
    video = await uploadTo(t, owner, await makeVideo({ seconds: 1, size: '320x240' }), '/', 'take.mp4');
    image = await uploadTo(t, owner, await makeImage('png', 64, 48), '/', 'still.png');
  });

  test('core admin: only account admins define fields; keys are unique; a bad regex is refused', async () => {
    const denied = await t.req('POST', '/accounts/custom-metadata/sets', { headers: acct(member), json: { name: 'x', content_type: 'audio' } });
    assert.equal(denied.status, 403, denied.text);
    const dup = await t.req('POST', '/accounts/custom-metadata/fields', { headers: acct(owner), json: { set_id: videoSet.id, key: 'company.cvams.director', value: 'Again' } });
    assert.equal(dup.status, 409, dup.text);
    const badRegex = await t.req('POST', '/accounts/custom-metadata/rules', { headers: acct(owner), json: { name: 'broken', regex: '([a-z' } });
    assert.equal(badRegex.status, 400, badRegex.text);
    const foreignSet = await t.req('POST', '/accounts/custom-metadata/fields', { headers: acct(other), json: { set_id: videoSet.id, key: 'x.y', value: 'X' } });
    assert.equal(foreignSet.status, 400, foreignSet.text);
    const list = await t.req('GET', '/accounts/custom-metadata', { headers: acct(member) });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.fields.length, 3);
  });

  test('GET /api/custommetadata/ lists definitions by order, filtered by content type name or id (not both)', async () => {
    const all = await t.req('GET', '/api/custommetadata/', { headers: token(member) });
    assert.equal(all.status, 200, all.text);
    assert.equal(all.headers['x-total-count'], '3');
    const videos = await t.req('GET', '/api/custommetadata/?content_type_name=videoasset', { headers: token(member) });
    assert.deepEqual(videos.body, [
      { id: episode.sequence, key: 'company.cvams.episode', value: 'Episode', order: 1, custom_metadata_set: videoSet.sequence, validation_rule: rule.sequence },
      { id: director.sequence, key: 'company.cvams.director', value: 'Video Director', order: 2, custom_metadata_set: videoSet.sequence, validation_rule: null },
    ]);
    const images = await t.req('GET', '/api/custommetadata/?content_type_id=2', { headers: token(member) });
    assert.deepEqual(images.body.map((f: { key: string }) => f.key), ['company.cvams.caption']);
    const both = await t.req('GET', '/api/custommetadata/?content_type_id=2&content_type_name=imageasset', { headers: token(member) });
    const [e] = assertMlErrors(both, 400, 'invalid');
    assert.equal(e?.source?.pointer, '/content_type_id');
    assertMlErrors(await t.req('GET', '/api/custommetadata/?content_type_name=folder', { headers: token(member) }), 400, 'invalid_choice');
    assert.deepEqual((await t.req('GET', '/api/custommetadata/', { headers: token(other) })).body, []);
    assertMlErrors(await t.req('GET', '/api/custommetadata/'), 401, 'not_authenticated');
  });

  test('GET /api/custommetadata/{id}/: one definition; another account\'s is 404 with DRF\'s text', async () => {
    const one = await t.req('GET', `/api/custommetadata/${caption.sequence}/`, { headers: token(owner) });
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.value, 'Caption');
    const [e] = assertMlErrors(await t.req('GET', `/api/custommetadata/${caption.sequence}/`, { headers: token(other) }), 404, 'not_found');
    assert.equal(e?.detail, `CustomMetadata object with pk=u'${caption.sequence}' does not exist.`);
  });

  test('meta_field_store: values are checked against the kind\'s fields and rules (the field named), stored, shown, searchable', async () => {
    const url = `/api/videoassets/${video.id}/`;
    const before = await t.count('history_events');
    const bad = await t.req('PATCH', url, { headers: token(member), json: { meta_field_store: { 'company.cvams.episode': 'episode two', 'company.cvams.caption': 'x', 'company.cvams.director': 'Ada' } } });
    const errs = assertMlErrors(bad, 400, 'invalid', 2);
    assert.deepEqual(errs.map((x) => [x.source?.pointer, x.detail]), [
      ['/meta_field_store/company.cvams.episode', 'Use the form S01E02.'],
      ['/meta_field_store/company.cvams.caption', '"company.cvams.caption" is not a custom metadata field of video assets.'],
    ]);
    assert.equal(await t.count('history_events'), before, 'nothing written');
    const nested = await t.req('PATCH', url, { headers: token(member), json: { meta_field_store: { 'company.cvams.director': { name: 'Ada' } } } });
    assertMlErrors(nested, 400, 'invalid');

    const ok = await t.req('PATCH', url, { headers: token(member), json: { meta_field_store: { 'company.cvams.episode': 'S01E02', 'company.cvams.director': 'Grace Hopper' } } });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body.meta_field_store, { 'company.cvams.episode': 'S01E02', 'company.cvams.director': 'Grace Hopper' });
    const again = await t.req('GET', url, { headers: token(owner) });
    assert.deepEqual(again.body.meta_field_store, ok.body.meta_field_store);
    const event = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('asset_id', '=', video.uuid).orderBy('sequence', 'desc').executeTakeFirstOrThrow();
    assert.equal(event.type, 'asset_updated');
    assert.deepEqual(JSON.parse(event.data).after.meta_field_store, ok.body.meta_field_store);
    const found = await t.req('GET', '/workspaces/assets/search?query=hopper', { headers: owner.headers });
    assert.equal(found.status, 200, found.text);
    assert.deepEqual(found.body.assets.map((a: { id: string }) => a.id), [video.uuid]);
    // null removes a key; the image's own field works on image assets.
    const cleared = await t.req('PATCH', url, { headers: token(member), json: { meta_field_store: { 'company.cvams.episode': null } } });
    assert.deepEqual(cleared.body.meta_field_store, {});
    const img = await t.req('PATCH', `/api/imageassets/${image.id}/`, { headers: token(member), json: { meta_field_store: { 'company.cvams.caption': 'Dawn' } } });
    assert.equal(img.status, 200, img.text);
    assert.deepEqual(img.body.meta_field_store, { 'company.cvams.caption': 'Dawn' });
  });
});
