import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { APPROVAL_KEYS, assetInFolder, seq } from './approvals-fixtures.js';
import { assertWsError, bearer } from './fixtures.js';
import { coreProject } from './projects-fixtures.js';

/** A10 and A14: the project scope of the approval check and create routes (an asset linked to the project). */
describeEachDatabase('workstream: approvals through a project (A10, A14)', (t) => {
  let a: Tenant;
  let ann: Tenant;
  let vic: Tenant;
  let b: Tenant;
  let annSeq: number;

  test('setup', async () => {
    a = await t.factory.tenant();
    ann = await t.factory.member(a, { workspace: 'editor' });
    vic = await t.factory.member(a, { workspace: 'viewer' });
    b = await t.factory.tenant();
    annSeq = await seq(t, 'users', ann.userId);
  });

  test('check and create through a project: linked assets only, 403 otherwise, 404 for another tenant, 401 without auth', async () => {
    const project = await coreProject(t, a, { name: 'Launch' });
    const linked = await assetInFolder(t, a, 'linked.png', '/P1/');
    const loose = await assetInFolder(t, a, 'loose.png', '/P1/');
    const link = await t.req('POST', `/workstream/projects/${project.sequence}/assets/${linked.seq}`, { headers: bearer(a) });
    assert.equal(link.status, 204, link.text);
    const url = (assetSeq: number) => `/workstream/projects/${project.sequence}/assets/${assetSeq}/approvals`;

    const none = await t.req('GET', url(linked.seq), { headers: bearer(ann) });
    assert.equal(none.status, 200, none.text);
    assert.equal(none.body, null);
    assertWsError(await t.req('GET', url(loose.seq), { headers: bearer(ann) }), 403, 'no_access_through_container');
    const before = await t.count('approvals');
    assertWsError(await t.req('POST', url(loose.seq), { headers: bearer(a), json: { approvers: [annSeq] } }), 403, 'no_access_through_container');
    assertWsError(await t.req('POST', url(linked.seq), { headers: bearer(a), json: { approvers: ['not-an-email'] } }), 422);
    assert.equal(await t.count('approvals'), before);

    const created = await t.req('POST', url(linked.seq), { headers: bearer(a), json: { approvers: [annSeq], comments: 'Via project' } });
    assert.equal(created.status, 200, created.text);
    assert.deepEqual(Object.keys(created.body).sort(), APPROVAL_KEYS);
    assert.equal(created.body.status, 1);
    assert.equal(created.body.comments, 'Via project');
    assert.equal(await t.count('approvals'), before + 1);
    // The owner sees the same approval through the project and through the folder.
    assert.equal((await t.req('GET', url(linked.seq), { headers: bearer(a) })).body.key, created.body.key);
    assert.equal((await t.req('GET', `/workstream/folders/${linked.folderSeq}/assets/${linked.seq}/approvals`, { headers: bearer(a) })).body.key, created.body.key);
    // The approver sees the limited form; a viewer who is no approver gets 404.
    const limited = await t.req('GET', url(linked.seq), { headers: bearer(ann) });
    assert.equal(limited.status, 200, limited.text);
    assert.equal(limited.body.is_approver, true);
    assert.equal(limited.body.settings, null);
    assertWsError(await t.req('GET', url(linked.seq), { headers: bearer(vic) }), 404, 'approval_not_found');
    assertWsError(await t.req('POST', url(linked.seq), { headers: bearer(a), json: { approvers: [annSeq] } }), 409, 'approval_pending_exists');
    // Unknown project: 404; another tenant: 404; no auth: 401.
    assertWsError(await t.req('GET', `/workstream/projects/999999/assets/${linked.seq}/approvals`, { headers: bearer(a) }), 404);
    assertWsError(await t.req('GET', url(linked.seq), { headers: bearer(b) }), 404);
    assertWsError(await t.req('POST', url(linked.seq), { headers: bearer(b), json: { approvers: [1] } }), 404);
    assertWsError(await t.req('GET', url(linked.seq)), 401);
  });
});
