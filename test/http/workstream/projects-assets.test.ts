import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { makeImage } from '../../media/fixtures.js';
import { uploadRaw } from '../mudstack/assets-fixtures.js';
import { assertWsError, bearer, form, FORM } from './fixtures.js';
import { coreProject, projectCounts, uploadAsset } from './projects-fixtures.js';
import { assertSameTypes, seedResponse } from './seed.js';

describeEachDatabase('workstream: project assets (P3, P4, P5, P7, P8, P10, P11)', (t) => {
  let a: Tenant;
  let viewer: Tenant;
  let b: Tenant;
  let project: { id: string; sequence: number };
  let one: { id: string; seq: number };
  let two: { id: string; seq: number };
  let three: { id: string; seq: number };
  let foreign: { id: string; seq: number };

  test('setup', async () => {
    a = await t.factory.tenant();
    viewer = await t.factory.member(a, { workspace: 'viewer' });
    b = await t.factory.tenant();
    project = await coreProject(t, a, { name: 'Campaign', launch_date: '2027-05-01' });
    const jpeg = await makeImage('jpeg', 640, 480);
    one = await uploadAsset(t, a, jpeg, { file_name: 'one.jpg', file_location: '/Workstream Assets/' });
    const v2 = await uploadRaw(t, a, await makeImage('png', 320, 200), { file_name: 'one-v2.png' }, 'application/octet-stream', `/workspaces/assets/${one.id}/versions`);
    assert.ok(v2.status === 200 || v2.status === 201, v2.text);
    two = await uploadAsset(t, a, await makeImage('png', 300, 300), { file_name: 'two.png' });
    three = await uploadAsset(t, a, await makeImage('webp', 200, 100), { file_name: 'three.webp' });
    foreign = await uploadAsset(t, b, jpeg, { file_name: 'theirs.jpg' });
    await t.jobs.runUntilIdle();
  });

  test('P7 and P8 link (form-encoded and JSON, 204); P3 lists mini assets in link order with the seed\'s types', async () => {
    const single = await t.req('POST', `/workstream/projects/${project.sequence}/assets/${two.seq}`, { headers: bearer(a) });
    assert.deepEqual([single.status, single.text], [204, '']);
    const many = await t.req('POST', `/workstream/projects/${project.sequence}/assets`, {
      headers: { ...bearer(a), ...FORM },
      payload: form([['assetids[]', one.seq], ['assetids[]', two.seq], ['assetids[]', three.seq]]),
    });
    assert.equal(many.status, 204, many.text);
    assert.equal(await t.count('project_linked_assets'), 3);
    const list = await t.req('GET', `/workstream/projects/${project.sequence}/assets`, { headers: bearer(viewer) });
    assert.equal(list.status, 200, list.text);
    assertSameTypes(list.body, seedResponse('GET workstream/projects/{id}/assets'));
    assert.deepEqual(list.body.map((x: { id: string }) => x.id), [String(two.seq), String(one.seq), String(three.seq)]);
    assert.deepEqual([list.body[1].filename, list.body[1].file_type, list.body[1].version], ['one-v2.png', '.png', '2']);
    assert.equal('approval' in list.body[0], false);
    const withApproval = await t.req('GET', `/workstream/projects/${project.sequence}/assets?approval_status=1&limit=2&offset=1`, { headers: bearer(a) });
    assert.deepEqual(withApproval.body.map((x: { id: string; approval: unknown }) => [x.id, x.approval]), [[String(one.seq), null], [String(three.seq), null]]);
    const thumb = await t.app.inject({ method: 'GET', url: new URL(list.body[0].thumburl.thumb100).pathname });
    assert.equal(thumb.statusCode, 200);
  });

  test('P4 full asset and P5 earlier versions, using project permissions (the seed\'s types)', async () => {
    const full = await t.req('GET', `/workstream/projects/${project.sequence}/assets/${one.seq}`, { headers: bearer(viewer) });
    assert.equal(full.status, 200, full.text);
    assertSameTypes(full.body, seedResponse('GET workstream/projects/{id}/assets/{assetId}'));
    assert.deepEqual([full.body.id, full.body.version, full.body.filetype], [String(one.seq), '2', 'png']);
    const versions = await t.req('GET', `/workstream/projects/${project.sequence}/assets/${one.seq}/versions`, { headers: bearer(viewer) });
    assert.equal(versions.status, 200, versions.text);
    assertSameTypes(versions.body, seedResponse('GET workstream/projects/{id}/assets/{assetId}/versions'));
    assert.deepEqual(versions.body.map((v: { id: string; version: string; type: string }) => [v.id, v.version, v.type]), [[String(one.seq), '1', 'assetversion']]);
  });

  test('§1.5 item 13: P10 and P11 unlink (204) and never delete the asset', async () => {
    const single = await t.req('DELETE', `/workstream/projects/${project.sequence}/assets/${two.seq}`, { headers: bearer(a) });
    assert.deepEqual([single.status, single.text], [204, '']);
    const many = await t.req('DELETE', `/workstream/projects/${project.sequence}/assets`, { headers: bearer(a), json: { assetids: [String(three.seq), two.seq] } });
    assert.equal(many.status, 204, many.text);
    const list = await t.req('GET', `/workstream/projects/${project.sequence}/assets`, { headers: bearer(a) });
    assert.deepEqual(list.body.map((x: { id: string }) => x.id), [String(one.seq)]);
    for (const asset of [two, three]) {
      const core = await t.req('GET', `/workspaces/assets/${asset.id}`, { headers: a.headers });
      assert.equal(core.status, 200, core.text);
      const row = await t.deps.db.selectFrom('assets').select(['is_active', 'deleted_at']).where('id', '=', asset.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { is_active: 1, deleted_at: null });
    }
    assert.equal(await t.count('asset_versions'), 5);
    // An unlinked asset is no longer reachable through the project.
    assertWsError(await t.req('GET', `/workstream/projects/${project.sequence}/assets/${two.seq}`, { headers: bearer(a) }), 403, 'asset_not_in_project');
    const events = await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', project.id).where('type', 'like', 'project_asset_%').execute();
    assert.deepEqual(events.map((e) => e.type).sort(), ['project_asset_linked', 'project_asset_linked', 'project_asset_linked', 'project_asset_unlinked', 'project_asset_unlinked']);
  });

  test('viewers cannot link or unlink (403); bad input 422 naming the field; foreign assets 404; nothing written', async () => {
    const before = await projectCounts(t);
    assertWsError(await t.req('POST', `/workstream/projects/${project.sequence}/assets/${two.seq}`, { headers: bearer(viewer) }), 403, 'permission_denied');
    assertWsError(await t.req('DELETE', `/workstream/projects/${project.sequence}/assets/${one.seq}`, { headers: bearer(viewer) }), 403, 'permission_denied');
    for (const [json, status, field] of [
      [{}, 422, 'assetids'],
      [{ assetids: [] }, 422, 'assetids'],
      [{ assetids: ['1x'] }, 422, 'assetids'],
      [{ assetids: [two.seq], more: 1 }, 422, 'more'],
      [{ assetids: [two.seq, foreign.seq] }, 404, undefined],
    ] as const) {
      for (const method of ['POST', 'DELETE'] as const) {
        const res = await t.req(method, `/workstream/projects/${project.sequence}/assets`, { headers: bearer(a), json });
        const body = assertWsError(res, status);
        if (field) {
          assert.ok(Object.keys(body.errors).some((k) => k.startsWith(field)), res.text);
        }
      }
    }
    assertWsError(await t.req('POST', `/workstream/projects/${project.sequence}/assets/${foreign.seq}`, { headers: bearer(a) }), 404, 'asset_not_found');
    assertWsError(await t.req('GET', `/workstream/projects/${project.sequence}/assets?limit=101`, { headers: bearer(a) }), 422);
    assertWsError(await t.req('GET', `/workstream/projects/${project.sequence}/assets?approval_status=maybe`, { headers: bearer(a) }), 422);
    assert.deepEqual(await projectCounts(t), before);
  });

  test('another tenant: 404 for every route; no token: 401', async () => {
    const paths: Array<[string, string, unknown]> = [
      ['GET', `/workstream/projects/${project.sequence}/assets`, undefined],
      ['GET', `/workstream/projects/${project.sequence}/assets/${one.seq}`, undefined],
      ['GET', `/workstream/projects/${project.sequence}/assets/${one.seq}/versions`, undefined],
      ['POST', `/workstream/projects/${project.sequence}/assets/${foreign.seq}`, undefined],
      ['POST', `/workstream/projects/${project.sequence}/assets`, { assetids: [foreign.seq] }],
      ['DELETE', `/workstream/projects/${project.sequence}/assets/${one.seq}`, undefined],
      ['DELETE', `/workstream/projects/${project.sequence}/assets`, { assetids: [foreign.seq] }],
    ];
    for (const [method, path, json] of paths) {
      const opts = json === undefined ? {} : { json };
      assertWsError(await t.req(method as 'GET', path, { headers: bearer(b), ...opts }), 404, 'project_not_found');
      assertWsError(await t.req(method as 'GET', path, { ...opts }), 401);
    }
    // Tenant A's project, tenant B's asset: the asset is not found.
    assertWsError(await t.req('GET', `/workstream/projects/${project.sequence}/assets/${foreign.seq}`, { headers: bearer(a) }), 404, 'asset_not_found');
  });
});
