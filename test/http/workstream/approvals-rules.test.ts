import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { coreTask } from './fixtures.js';
import { assetInFolder, createApproval, keyOf, seq } from './approvals-fixtures.js';
import { assertWsError, bearer } from './fixtures.js';

/** Spec §1.5 items 4, 6, 8, 9 and 10, each on its own; the e-mail items (5, 6, 7) are in approvals-email.test.ts. */
describeEachDatabase('workstream: approval rules of spec §1.5', (t) => {
  let a: Tenant;
  let ann: Tenant;
  let ben: Tenant;
  let vic: Tenant;
  let b: Tenant;
  let annSeq: number;
  let benSeq: number;

  test('setup', async () => {
    a = await t.factory.tenant();
    ann = await t.factory.member(a, { workspace: 'editor' });
    ben = await t.factory.member(a, { workspace: 'editor' });
    vic = await t.factory.member(a, { workspace: 'viewer' });
    b = await t.factory.tenant();
    annSeq = await seq(t, 'users', ann.userId);
    benSeq = await seq(t, 'users', ben.userId);
  });

  test('item 4: only pending approvals, only current-stage approvers; owner/admin answer for a named response id', async () => {
    const tpl = (await t.req('POST', '/accounts/approvalTemplates', {
      headers: a.headers,
      json: { name: 'Two', stages: [{ name: 'S1', approver_source: 'fixed', approvers: [{ type: 'user', id: ann.userId }] }, { name: 'S2', approver_source: 'fixed', approvers: [{ type: 'user', id: ben.userId }] }] },
    })).body;
    const asset = await assetInFolder(t, a, 'item4.png', '/I4/');
    const ap = await createApproval(t, a, asset, { template_id: tpl.sequence });
    const approvalSeq = ap.current_stage_responses[0].approval_id;
    // Ben's slot is on stage 2: his key opens the approval but he may not answer yet.
    const list = await t.req('GET', '/workstream/approvals', { headers: bearer(ben) });
    const benView = list.body.find((x: any) => x.current_stage_id === 1 && x.key !== ap.key);
    assert.ok(benView, 'listed for an approver of a later stage');
    assert.equal(benView.is_approver, false);
    const before = await t.count('approval_responses');
    assertWsError(await t.req('POST', `/workstream/approvals/${benView.key}/response`, { headers: bearer(ben), json: { response: 2 } }), 403, 'approval_stage_not_current');
    // A non-owner cannot answer for someone else.
    const annKey = await keyOf(t, ann, approvalSeq);
    const annResponseId = ap.current_stage_responses[0].id;
    assertWsError(await t.req('POST', `/workstream/approvals/${benView.key}/response`, { headers: bearer(ben), json: { response: 2, approval_response_id: annResponseId } }), 403, 'not_approval_owner');
    // The owner answers for Ann (named response): stage 2 starts.
    const forAnn = await t.req('POST', `/workstream/approvals/${ap.key}/response`, { headers: bearer(a), json: { response: 2, approval_response_id: annResponseId } });
    assert.equal(forAnn.status, 200, forAnn.text);
    assert.equal(forAnn.body.current_stage_id, 2);
    assert.equal(await t.count('approval_responses'), before);
    // Ann's slot is no longer current.
    assertWsError(await t.req('POST', `/workstream/approvals/${annKey}/response`, { headers: bearer(ann), json: { response: 3 } }), 403, 'approval_stage_not_current');
    // Cancelled: nobody may answer.
    const cancel = await t.req('PUT', `/workstream/approvals/${ap.key}/cancel`, { headers: bearer(a) });
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal(cancel.body.status, -1);
    assertWsError(await t.req('POST', `/workstream/approvals/${benView.key}/response`, { headers: bearer(ben), json: { response: 2 } }), 409, 'approval_not_pending');
    // Bad answers are 422 naming the field, nothing written.
    const asset2 = await assetInFolder(t, a, 'item4b.png', '/I4/');
    const ap2 = await createApproval(t, a, asset2, { approvers: [annSeq] });
    const k2 = await keyOf(t, ann, ap2.current_stage_responses[0].approval_id);
    const hist = await t.count('history_events');
    for (const [body, field] of [[{ response: 1 }, 'response'], [{ response: 5 }, 'response'], [{ response: 2, message: 'x'.repeat(3001) }, 'message'], [{}, 'response'], [{ response: 2, approval_response_id: 'abc' }, 'approval_response_id']] as const) {
      const res = await t.req('POST', `/workstream/approvals/${k2}/response`, { headers: bearer(ann), json: body });
      const err = assertWsError(res, 422, 'validation_failed');
      assert.ok(Object.keys(err.errors).some((k) => k.startsWith(field)), `${JSON.stringify(body)} → ${res.text}`);
    }
    assert.equal(await t.count('history_events'), hist, 'nothing written');
  });

  test('rejection then resubmit (item 6): the approval stays pending; exactly one response goes back to pending', async () => {
    const asset = await assetInFolder(t, a, 'item6.png', '/I6/');
    const ap = await createApproval(t, a, asset, { approvers: [annSeq, benSeq] });
    const id = ap.current_stage_responses[0].approval_id;
    const annKey = await keyOf(t, ann, id);
    const benKey = await keyOf(t, ben, id);
    const rej = await t.req('POST', `/workstream/approvals/${annKey}/response`, { headers: bearer(ann), json: { response: 3, message: 'Colour is off' } });
    assert.equal(rej.body.status, 1, 'no rejected status: still pending');
    const ok = await t.req('POST', `/workstream/approvals/${benKey}/response`, { headers: bearer(ben), json: { response: 2 } });
    assert.equal(ok.body.status, 1, 'one rejection blocks an ad-hoc approval');
    const annResponse = ok.body.current_stage_responses.find((r: any) => r.user_id === annSeq);
    const re = await t.req('POST', `/workstream/approvals/${ap.key}/resubmit/${annResponse.id}`, { headers: bearer(a), json: { message: 'New colours uploaded' } });
    assert.equal(re.status, 200, re.text);
    assert.deepEqual(re.body.current_stage_responses.map((r: any) => [r.user_id, r.response]), [[annSeq, 1], [benSeq, 2]], 'only Ann\'s answer was reset');
    // Only the owner or an admin resubmits; an unknown response id is 404.
    assertWsError(await t.req('POST', `/workstream/approvals/${annKey}/resubmit/${annResponse.id}`, { headers: bearer(ann) }), 403, 'not_approval_owner');
    assertWsError(await t.req('POST', `/workstream/approvals/${ap.key}/resubmit/999999`, { headers: bearer(a) }), 404, 'approval_response_not_found');
    const fin = await t.req('POST', `/workstream/approvals/${annKey}/response`, { headers: bearer(ann), json: { response: 2 } });
    assert.equal(fin.body.status, 2, 'approved once everyone approves');
  });

  test('item 8: comment visibility (owner/admin all; approvers only the current stage\'s, only when enabled)', async () => {
    const tpl = (await t.req('POST', '/accounts/approvalTemplates', {
      headers: a.headers,
      json: {
        name: 'Comments', stages: [
          { name: 'S1', approver_source: 'fixed', approvers: [{ type: 'user', id: ann.userId }], view_comments: true },
          { name: 'S2', approver_source: 'fixed', approvers: [{ type: 'user', id: ben.userId }], view_comments: true },
          { name: 'S3', approver_source: 'fixed', approvers: [{ type: 'user', id: ann.userId }], view_comments: false },
        ],
      },
    })).body;
    const asset = await assetInFolder(t, a, 'item8.png', '/I8/');
    const ap = await createApproval(t, a, asset, { template_id: tpl.sequence });
    const id = ap.current_stage_responses[0].approval_id;
    const annKey = await keyOf(t, ann, id);
    await t.req('POST', `/workstream/approvals/${annKey}/response`, { headers: bearer(ann), json: { response: 2, message: '<p>Stage one note</p>' } });
    const benKey = await keyOf(t, ben, id);
    const benSees = await t.req('GET', `/workstream/approvals/${benKey}/comments`, { headers: bearer(ben) });
    assert.equal(benSees.status, 200, benSees.text);
    assert.deepEqual(benSees.body, [], 'stage 1\'s comments are not stage 2\'s');
    await t.req('POST', `/workstream/approvals/${benKey}/response`, { headers: bearer(ben), json: { response: 2, message: '<p>Stage two note</p>' } });
    const ownerSees = await t.req('GET', `/workstream/approvals/${ap.key}/comments`, { headers: bearer(a) });
    assert.deepEqual(ownerSees.body.map((c: any) => c.value), ['<p>Stage two note</p>', '<p>Stage one note</p>'], 'newest first, all stages');
    const c = ownerSees.body[1];
    assert.deepEqual(Object.keys(c).sort(), ['action', 'created_at', 'cs_comment_id', 'field', 'id', 'object_id', 'object_type', 'primary_id', 'settings', 'type', 'updated_at', 'user', 'user_email', 'user_id', 'value']);
    assert.equal(c.type, 'activity_feed');
    assert.equal(c.object_id, id);
    assert.equal(c.object_type, 4);
    assert.equal(c.user_id, annSeq);
    assert.deepEqual(c.settings, { approval_response: 2 });
    assert.equal(c.user.id, String(annSeq));
    assert.match(c.created_at, /^[0-9]+$/);
    // Stage 3 (Ann again) has comments switched off: she sees none, even her own.
    const annKey3 = await keyOf(t, ann, id);
    assert.deepEqual((await t.req('GET', `/workstream/approvals/${annKey3}/comments`, { headers: bearer(ann) })).body, []);
  });

  test('item 9: one key per approver, seen from that approver; the view-only key only for owner and admins', async () => {
    const asset = await assetInFolder(t, ann, 'item9.png', '/I9/');
    const ap = await createApproval(t, ann, asset, { approvers: [benSeq, 'g@x.test'] });
    const id = ap.current_stage_responses[0].approval_id;
    const benKey = await keyOf(t, ben, id);
    assert.notEqual(benKey, ap.key);
    const asBen = (await t.req('GET', `/workstream/approvals/${benKey}`, { headers: bearer(ben) })).body;
    assert.equal(asBen.key, benKey);
    assert.equal(asBen.is_approver, true);
    assert.equal(asBen.editable, false);
    assert.equal(asBen.current_approver.email, ben.email);
    // The owner (Ann) and an admin (a) may use the view-only key; Ben and a viewer may not.
    assert.equal((await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(ann) })).status, 200);
    const asAdmin = await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(a) });
    assert.equal(asAdmin.status, 200);
    assert.equal(asAdmin.body.is_approver, false);
    assert.equal(asAdmin.body.editable, true);
    assert.equal(asAdmin.body.current_approver, null);
    assertWsError(await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(ben) }), 404, 'approval_not_found');
    assertWsError(await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(vic) }), 404, 'approval_not_found');
    assertWsError(await t.req('GET', '/workstream/approvals/apr_nope', { headers: bearer(a) }), 404, 'approval_not_found');
    // Another tenant cannot open any of them.
    for (const k of [ap.key, benKey]) {
      assertWsError(await t.req('GET', `/workstream/approvals/${k}`, { headers: bearer(b) }), 404, 'approval_not_found');
      assertWsError(await t.req('PUT', `/workstream/approvals/${k}/cancel`, { headers: bearer(b) }), 404, 'approval_not_found');
    }
    // Missing and wrong auth.
    assertWsError(await t.req('GET', `/workstream/approvals/${ap.key}`), 401);
    assertWsError(await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: { authorization: 'Bearer nope' } }), 401);
  });

  test('item 10: check routes — 403 not through this container, 404 an approval one may not see, 200 null when none and one may create', async () => {
    const asset = await assetInFolder(t, a, 'item10.png', '/I10/');
    const other = await assetInFolder(t, a, 'elsewhere.png', '/Other/');
    const none = await t.req('GET', `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals`, { headers: bearer(ann) });
    assert.equal(none.status, 200, none.text);
    assert.equal(none.body, null);
    assertWsError(await t.req('GET', `/workstream/folders/${asset.folderSeq}/assets/${other.seq}/approvals`, { headers: bearer(ann) }), 403, 'no_access_through_container');
    assertWsError(await t.req('POST', `/workstream/folders/${asset.folderSeq}/assets/${other.seq}/approvals`, { headers: bearer(ann), json: { approvers: [benSeq] } }), 403, 'no_access_through_container');
    assertWsError(await t.req('GET', `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals`, { headers: bearer(vic) }), 404);
    const ap = await createApproval(t, a, asset, { approvers: [benSeq] });
    const limited = await t.req('GET', `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals`, { headers: bearer(ben) });
    assert.equal(limited.status, 200, limited.text);
    for (const k of ['object', 'proof', 'settings', 'current_stage_responses', 'current_approver', 'all_stage_responses']) {
      assert.equal(limited.body[k], null, k);
    }
    assert.equal(limited.body.is_approver, true);
    assertWsError(await t.req('GET', `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals`, { headers: bearer(ann) }), 404, 'approval_not_found');
    assert.equal((await t.req('GET', `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals`, { headers: bearer(a) })).body.key, ap.key);
    // A second pending approval of the same asset is refused.
    assertWsError(await t.req('POST', `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals`, { headers: bearer(a), json: { approvers: [annSeq] } }), 409, 'approval_pending_exists');
    // Through a task (A11, A15): the task's asset only.
    const task = await coreTask(t, a, { title: 'Review this', asset_id: other.id });
    const viaTask = await t.req('POST', `/workstream/tasks/${task.sequence}/assets/${other.seq}/approvals`, { headers: bearer(a), json: { approvers: [annSeq] } });
    assert.equal(viaTask.status, 200, viaTask.text);
    assert.equal((await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${other.seq}/approvals`, { headers: bearer(a) })).body.key, viaTask.body.key);
    assertWsError(await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${asset.seq}/approvals`, { headers: bearer(a) }), 403, 'no_access_through_container');
    // Another tenant's folder, task or asset: 404.
    assertWsError(await t.req('GET', `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals`, { headers: bearer(b) }), 404);
    assertWsError(await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${other.seq}/approvals`, { headers: bearer(b) }), 404);
    assertWsError(await t.req('POST', `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals`, { headers: bearer(b), json: { approvers: [1] } }), 404);
  });

  test('create: bad input is 422 naming the field, nothing written; viewers may not create', async () => {
    const asset = await assetInFolder(t, a, 'bad.png', '/Bad/');
    const url = `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals`;
    const before = await Promise.all(['approvals', 'approval_responses', 'approval_settings', 'history_events', 'notifications'].map((x) => t.count(x as 'approvals')));
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, 'approvers'],
      [{ approvers: [] }, 'approvers'],
      [{ approvers: ['not-an-email@'] }, 'approvers.0'],
      [{ approvers: [await seq(t, 'users', b.userId)] }, 'approvers.0'],
      [{ approvers: [{ type: 'team', id: 999999 }] }, 'approvers.0'],
      [{ approvers: [annSeq], comments: 'x'.repeat(3001) }, 'comments'],
      [{ approvers: [annSeq], due_date: 'tomorrow' }, 'due_date'],
      [{ approvers: [annSeq], template_id: 999999 }, 'template_id'],
      [{ approvers: [annSeq], surprise: 1 }, 'surprise'],
    ];
    for (const [body, field] of cases) {
      const res = await t.req('POST', url, { headers: bearer(a), json: body });
      const err = assertWsError(res, 422);
      assert.ok(Object.keys(err.errors ?? {}).some((k) => k.startsWith(field)) || res.text.includes(field), `${JSON.stringify(body)} → ${res.text}`);
    }
    assertWsError(await t.req('POST', url, { headers: bearer(vic), json: { approvers: [annSeq] } }), 403);
    assertWsError(await t.req('POST', url, { json: { approvers: [annSeq] } }), 401);
    const after = await Promise.all(['approvals', 'approval_responses', 'approval_settings', 'history_events', 'notifications'].map((x) => t.count(x as 'approvals')));
    assert.deepEqual(after, before);
  });

  test('A1 filters and sorting; A2 counts', async () => {
    const c = await t.factory.tenant();
    const cy = await t.factory.member(c, { workspace: 'editor' });
    const cySeq = await seq(t, 'users', cy.userId);
    const x1 = await createApproval(t, c, await assetInFolder(t, c, 'one.png', '/L/'), { approvers: [cySeq] });
    t.clock.advance(5);
    const x2 = await createApproval(t, c, await assetInFolder(t, c, 'two.png', '/L/'), { approvers: [cySeq] });
    const all = await t.req('GET', '/workstream/approvals', { headers: bearer(c) });
    assert.deepEqual(all.body.map((x: any) => x.key), [x2.key, x1.key], 'newest first');
    assert.equal(all.body[0].settings, null);
    assert.equal(all.body[0].current_approver, null);
    assert.deepEqual(Object.keys(all.body[0].object).sort(), ['file_type', 'filename', 'folder_id', 'hide_preview', 'id', 'media_url', 'thumburl', 'type', 'type_id', 'user', 'version']);
    assert.equal(all.body[0].object.file_type, '.png');
    const asc = await t.req('GET', '/workstream/approvals?sort=created_at&sortdir=ASC&limit=1&offset=1', { headers: bearer(c) });
    assert.deepEqual(asc.body.map((x: any) => x.key), [x2.key]);
    assert.equal((await t.req('GET', '/workstream/approvals/counts', { headers: bearer(cy) })).body.pending_count, 2);
    await t.req('PUT', `/workstream/approvals/${x1.key}/cancel`, { headers: bearer(c) });
    assert.equal((await t.req('GET', '/workstream/approvals/counts', { headers: bearer(cy) })).body.pending_count, 1);
    const st = await t.req('GET', '/workstream/approvals?filter[status][]=-1', { headers: bearer(c) });
    assert.deepEqual(st.body.map((x: any) => x.key), [x1.key]);
    const byObj = await t.req('GET', `/workstream/approvals?filter[object_id][]=${x2.object.id}&filter[approver][]=${cySeq}&filter[owner_id][]=${await seq(t, 'users', c.userId)}`, { headers: bearer(c) });
    assert.deepEqual(byObj.body.map((x: any) => x.key), [x2.key]);
    assert.deepEqual((await t.req('GET', '/workstream/approvals?filter[object_type][]=2', { headers: bearer(c) })).body, []);
    assertWsError(await t.req('GET', '/workstream/approvals?limit=0', { headers: bearer(c) }), 422);
    assertWsError(await t.req('GET', '/workstream/approvals?sort=name', { headers: bearer(c) }), 422);
    assert.deepEqual((await t.req('GET', '/workstream/approvals', { headers: bearer(b) })).body.filter((x: any) => x.key === x1.key), []);
    assertWsError(await t.req('GET', '/workstream/approvals/counts'), 401);
  });
});
