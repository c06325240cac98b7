import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { assertMlErrors, ISO_MICROS, token } from './fixtures.js';
import { productionId, sha256, wav } from './project-assets-fixtures.js';

/* Spec §2.3.7: POST /api/asset/import/ queues an import tracked by an ImportLog the client polls. */

const root = mkdtempSync(join(tmpdir(), 'atelier-ml-import-'));

describeEachDatabase('medialoopster import and ImportLogs', (t) => {
  let ten: Tenant;
  let prod: number;
  const dir = join(root, 'media', 'audio');
  before(async () => {
    ten = await t.factory.tenant();
    prod = await productionId(t, ten.workspaceId);
    mkdirSync(dir, { recursive: true });
  });

  const body = (pathFile: string, extra: Record<string, unknown> = {}) => ({
    type: 'audio',
    production: prod,
    move_asset: false,
    asset: { asset_meta: { name: 'Imported tone', description: 'From the server', approval: 0, path_file: pathFile, meta_field_store: {} } },
    ...extra,
  });

  test('an import is queued (202 with asset_import_id and its log), then the job makes the asset at that path', async () => {
    const data = wav(440, 0.3);
    const file = join(dir, `tone-${t.kind}.wav`);
    writeFileSync(file, data);
    const res = await t.req('POST', '/api/asset/import/', { headers: token(ten), json: body(file) });
    assert.equal(res.status, 202, res.text);
    assert.equal(typeof res.body.asset_import_id, 'number');
    const log = res.body.import_log;
    assert.equal(log.id, res.body.asset_import_id);
    assert.deepEqual([log.type, log.asset_type, log.state, log.production, log.asset, log.path_file, log.date_end], ['import', 'audio', 'queued', prod, null, file, null]);
    assert.match(log.date_add, ISO_MICROS);

    await t.jobs.runUntilIdle();
    const polled = await t.req('GET', `/api/importlogs/${log.id}/`, { headers: token(ten) });
    assert.equal(polled.status, 200, polled.text);
    assert.equal(polled.body.state, 'completed');
    assert.equal(typeof polled.body.asset, 'number');
    assert.match(polled.body.date_end, ISO_MICROS);
    const asset = await t.deps.db
      .selectFrom('assets as a')
      .innerJoin('asset_versions as v', 'v.id', 'a.current_version_id')
      .select(['a.name', 'a.description', 'a.file_location', 'a.file_name', 'a.asset_type_id', 'v.checksum'])
      .where('a.sequence', '=', polled.body.asset)
      .executeTakeFirstOrThrow();
    assert.deepEqual(asset, { name: 'Imported tone', description: 'From the server', file_location: `${dir}/`, file_name: `tone-${t.kind}.wav`, asset_type_id: 'audio', checksum: sha256(data) });
    assert.ok(existsSync(file), 'move_asset false keeps the source');
    const list = await t.req('GET', '/api/importlogs/', { headers: token(ten) });
    assert.equal(list.status, 200);
    assert.ok(list.body.some((l: { id: number }) => l.id === log.id));
    assert.ok(Number(list.headers['x-total-count']) >= 1);
  });

  test('move_asset removes the source once imported; a file of another kind fails the log with the reason', async () => {
    const moved = join(dir, `moved-${t.kind}.wav`);
    writeFileSync(moved, wav(550));
    const a = await t.req('POST', '/api/asset/import/', { headers: token(ten), json: body(moved, { move_asset: true }) });
    assert.equal(a.status, 202, a.text);
    const text = join(dir, `notes-${t.kind}.wav`);
    writeFileSync(text, 'plain text pretending to be audio');
    const b = await t.req('POST', '/api/asset/import/', { headers: token(ten), json: body(text, { type: 'video' }) });
    assert.equal(b.status, 202, b.text);
    await t.jobs.runUntilIdle();
    assert.equal((await t.req('GET', `/api/importlogs/${a.body.asset_import_id}/`, { headers: token(ten) })).body.state, 'completed');
    assert.equal(existsSync(moved), false, 'the source was moved in');
    const failed = await t.req('GET', `/api/importlogs/${b.body.asset_import_id}/`, { headers: token(ten) });
    assert.equal(failed.body.state, 'failed');
    assert.match(failed.body.message, /not a video file/);
    assert.equal(failed.body.asset, null);
  });

  test('approval and meta_field_store of an import are set on the asset, checked like PATCH; a bad value fails the log with its reason', async () => {
    const acct = { authorization: ten.headers.authorization ?? '', 'x-account-id': ten.accountId };
    const set = await t.req('POST', '/accounts/custom-metadata/sets', { headers: acct, json: { name: 'Audio credits', content_type: 'audio' } });
    assert.equal(set.status, 201, set.text);
    const rule = await t.req('POST', '/accounts/custom-metadata/rules', { headers: acct, json: { name: 'Take number', regex: '[0-9]+', message: 'Digits only.' } });
    assert.equal(rule.status, 201, rule.text);
    const field = await t.req('POST', '/accounts/custom-metadata/fields', { headers: acct, json: { set_id: set.body.id, key: 'audio.take', value: 'Take', rule_id: rule.body.id } });
    assert.equal(field.status, 201, field.text);

    const good = join(dir, `take-${t.kind}.wav`);
    writeFileSync(good, wav(660));
    const meta = (pathFile: string, extra: Record<string, unknown>) => ({ ...body(pathFile), asset: { asset_meta: { path_file: pathFile, name: 'Take', ...extra } } });
    const ok = await t.req('POST', '/api/asset/import/', { headers: token(ten), json: meta(good, { approval: 1, meta_field_store: { 'audio.take': 12 } }) });
    assert.equal(ok.status, 202, ok.text);
    const bad = join(dir, `take-bad-${t.kind}.wav`);
    writeFileSync(bad, wav(770));
    const badRule = await t.req('POST', '/api/asset/import/', { headers: token(ten), json: meta(bad, { approval: 1, meta_field_store: { 'audio.take': 'twelve' } }) });
    const unknownKey = await t.req('POST', '/api/asset/import/', { headers: token(ten), json: meta(bad, { meta_field_store: { 'video.director': 'X' } }) });
    const assetsBefore = await t.count('assets');
    await t.jobs.runUntilIdle();

    const done = await t.req('GET', `/api/importlogs/${ok.body.asset_import_id}/`, { headers: token(ten) });
    assert.equal(done.body.state, 'completed', done.text);
    const asset = await t.req('GET', `/api/audioassets/${done.body.asset}/`, { headers: token(ten) });
    assert.equal(asset.status, 200, asset.text);
    assert.equal(asset.body.status_approval, 1);
    assert.deepEqual(asset.body.meta_field_store, { 'audio.take': '12' });

    const failed = await t.req('GET', `/api/importlogs/${badRule.body.asset_import_id}/`, { headers: token(ten) });
    assert.equal(failed.body.state, 'failed');
    assert.equal(failed.body.asset, null);
    assert.match(failed.body.message, /audio\.take.*Digits only\./);
    const unknown = await t.req('GET', `/api/importlogs/${unknownKey.body.asset_import_id}/`, { headers: token(ten) });
    assert.equal(unknown.body.state, 'failed');
    assert.match(unknown.body.message, /"video\.director" is not a custom metadata field of audio assets/);
    assert.equal(await t.count('assets'), assetsBefore + 1, 'only the good import made an asset');

    // Imported again at the same path without approval or store: a new version keeps both.
    const again = await t.req('POST', '/api/asset/import/', { headers: token(ten), json: meta(good, {}) });
    writeFileSync(good, wav(880));
    await t.jobs.runUntilIdle();
    assert.equal((await t.req('GET', `/api/importlogs/${again.body.asset_import_id}/`, { headers: token(ten) })).body.state, 'completed');
    const kept = await t.req('GET', `/api/audioassets/${done.body.asset}/`, { headers: token(ten) });
    assert.deepEqual([kept.body.status_approval, kept.body.meta_field_store], [1, { 'audio.take': '12' }]);

    const badApproval = await t.req('POST', '/api/asset/import/', { headers: token(ten), json: meta(good, { approval: 2 }) });
    assert.equal(assertMlErrors(badApproval, 400)[0]?.source?.pointer, '/asset/asset_meta/approval');
  });

  test('bad input: missing fields at once (400 with pointers), a path outside IMPORT_ROOTS (403), nothing queued', async () => {
    const before = await t.count('import_logs');
    const empty = await t.req('POST', '/api/asset/import/', { headers: token(ten), json: {} });
    const errs = assertMlErrors(empty, 400, 'required', 3);
    assert.deepEqual(errs.map((e) => e.source?.pointer), ['/type', '/production', '/asset']);
    const badType = await t.req('POST', '/api/asset/import/', { headers: token(ten), json: body(join(dir, 'x.wav'), { type: 'other' }) });
    assert.equal(assertMlErrors(badType, 400)[0]?.source?.pointer, '/type');
    const outside = await t.req('POST', '/api/asset/import/', { headers: token(ten), json: body('/etc/passwd') });
    assertMlErrors(outside, 403, 'permission_denied');
    const climb = await t.req('POST', '/api/asset/import/', { headers: token(ten), json: body(`${dir}/../../x.wav`) });
    assert.equal(assertMlErrors(climb, 400)[0]?.source?.pointer, '/asset/asset_meta/path_file');
    assert.equal(await t.count('import_logs'), before);
  });

  test('tenancy and auth: another tenant\'s production and logs are 404; a viewer may not import; no token 401', async () => {
    const other = await t.factory.tenant();
    const foreign = await t.req('POST', '/api/asset/import/', { headers: token(other), json: body(join(dir, 'x.wav')) });
    assertMlErrors(foreign, 404);
    const mine = await t.req('GET', '/api/importlogs/?limit=1', { headers: token(ten) });
    const id = mine.body[0]?.id as number;
    assertMlErrors(await t.req('GET', `/api/importlogs/${id}/`, { headers: token(other) }), 404, 'not_found');
    assert.deepEqual((await t.req('GET', '/api/importlogs/', { headers: token(other) })).body, []);
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    assertMlErrors(await t.req('POST', '/api/asset/import/', { headers: token(viewer), json: body(join(dir, 'x.wav')) }), 403, 'permission_denied');
    assertMlErrors(await t.req('GET', '/api/importlogs/'), 401, 'not_authenticated');
  });
}, { IMPORT_ROOTS: root });
