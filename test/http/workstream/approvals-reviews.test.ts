import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import { assetInFolder, keyOf, seq } from './approvals-fixtures.js';
import { assertWsError, bearer } from './fixtures.js';

/** A core review request is an approval of the engine: both surfaces see and change the same state. */
describeEachDatabase('workstream + core: review requests run on the approval engine', (t) => {
  test('a core request is a Workstream approval; a core review answers it; a Workstream answer completes the request', async () => {
    const ten = await t.factory.tenant();
    const rev = await t.factory.member(ten, { workspace: 'viewer' });
    const rev2 = await t.factory.member(ten, { workspace: 'viewer' });
    const asset = await assetInFolder(t, ten, 'core.png', '/Core/');
    const req = await t.req('POST', `/workspaces/assets/${asset.id}/reviewRequests`, { headers: ten.headers, json: { user_ids: [rev.userId, rev2.userId], message: 'Check' } });
    assert.equal(req.status, 201, req.text);
    // Workstream sees one ad-hoc approval of the version with both reviewers as approvers, owned by the requestor.
    const list = await t.req('GET', '/workstream/approvals', { headers: bearer(ten) });
    assert.equal(list.body.length, 1);
    const ap = list.body[0];
    assert.equal(ap.status, 1);
    assert.equal(ap.comments, 'Check');
    assert.equal(ap.owner.id, String(await seq(t, 'users', ten.userId)));
    assert.deepEqual(ap.current_stage_responses.map((r: any) => r.user_email), [rev.email, rev2.email]);
    assert.equal((await t.req('GET', '/workstream/approvals/counts', { headers: bearer(rev) })).body.pending_count, 1);
    // A core review "approved" answers rev's slot.
    const review = await t.req('POST', `/workspaces/assets/${asset.id}/reviews`, { headers: rev.headers, json: { content: 'Good', status: 'approved' } });
    assert.equal(review.status, 200, review.text);
    const after = await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(ten) });
    assert.deepEqual(after.body.current_stage_responses.map((r: any) => r.response), [2, 1]);
    assert.equal(after.body.status, 1);
    // rev2 answers on Workstream: the approval is approved and rev2's core request is completed.
    const k2 = await keyOf(t, rev2, ap.current_stage_responses[0].approval_id);
    const ws = await t.req('POST', `/workstream/approvals/${k2}/response`, { headers: bearer(rev2), json: { response: 2 } });
    assert.equal(ws.status, 200, ws.text);
    assert.equal(ws.body.status, 2);
    const core = await t.req('GET', `/workspaces/assets/${asset.id}/reviewRequests`, { headers: ten.headers });
    assert.deepEqual(core.body.map((r: any) => [r.user_id, r.state]).sort(), [[rev.userId, 'completed'], [rev2.userId, 'completed']].sort());
  });

  test('"changes requested" keeps the approval pending (approve with changes); cancelling the last request cancels the approval', async () => {
    const ten = await t.factory.tenant();
    const rev = await t.factory.member(ten, { workspace: 'viewer' });
    const asset = await assetInFolder(t, ten, 'changes.png', '/Core/');
    const req = await t.req('POST', `/workspaces/assets/${asset.id}/reviewRequests`, { headers: ten.headers, json: { user_ids: [rev.userId] } });
    await t.req('POST', `/workspaces/assets/${asset.id}/reviews`, { headers: rev.headers, json: { content: 'Fix the hands', status: 'changes_requested' } });
    const ap = (await t.req('GET', '/workstream/approvals', { headers: bearer(ten) })).body[0];
    assert.deepEqual([ap.status, ap.current_stage_responses[0].response], [1, 4]);
    // Asked again: the same slot is pending again; cancelling it on the core API leaves no approver: cancelled.
    const again = await t.req('POST', `/workspaces/assets/${asset.id}/reviewRequests`, { headers: ten.headers, json: { user_ids: [rev.userId] } });
    assert.equal(again.status, 201, again.text);
    assert.equal((await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(ten) })).body.current_stage_responses[0].response, 1);
    const del = await t.req('DELETE', `/workspaces/assets/${asset.id}/reviewRequests/${again.body[0].id}`, { headers: ten.headers });
    assert.equal(del.status, 200, del.text);
    assert.equal((await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(ten) })).body.status, -1);
    assert.ok(req.body[0].id);
    // A Workstream approval of an asset with a pending core request is refused (one pending approval per asset).
    const r2 = await t.req('POST', `/workspaces/assets/${asset.id}/reviewRequests`, { headers: ten.headers, json: { user_ids: [rev.userId] } });
    assert.equal(r2.status, 201);
    assertWsError(
      await t.req('POST', `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals`, { headers: bearer(ten), json: { approvers: [await seq(t, 'users', rev.userId)] } }),
      409,
      'approval_pending_exists',
    );
  });
});
