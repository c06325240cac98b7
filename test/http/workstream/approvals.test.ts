import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { APPROVAL_KEYS, assetInFolder, createApproval, keyOf, RESPONSE_KEYS, seq } from './approvals-fixtures.js';
import { assertWsError, bearer, form, FORM } from './fixtures.js';

describeEachDatabase('workstream: approvals by key (A1-A8) and create (A13)', (t) => {
  let a: Tenant;
  let ann: Tenant;
  let bob: Tenant;
  let b: Tenant;

  test('setup', async () => {
    a = await t.factory.tenant();
    ann = await t.factory.member(a, { workspace: 'editor' });
    bob = await t.factory.member(a, { workspace: 'viewer' });
    b = await t.factory.tenant();
  });

  test('A13 ad-hoc (form-encoded) then A3 by key as the approver: the seed\'s full shape', async () => {
    const asset = await assetInFolder(t, a, 'adhoc.png');
    const annSeq = await seq(t, 'users', ann.userId);
    const res = await t.req('POST', `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals`, {
      headers: { ...bearer(a), ...FORM },
      payload: form([['approvers[]', annSeq], ['approvers[]', 'guest@outside.test'], ['comments', 'Please look'], ['due_date', 1893456000]]),
    });
    assert.equal(res.status, 200, res.text);
    const ap = res.body;
    assert.deepEqual(Object.keys(ap).sort(), APPROVAL_KEYS);
    assert.equal(ap.status, 1);
    assert.equal(ap.current_stage_id, 0);
    assert.equal(ap.template, null);
    assert.equal(ap.comments, 'Please look');
    assert.equal(ap.editable, true);
    assert.equal(ap.is_approver, false);
    assert.match(ap.key, /^apv_/);
    assert.equal(ap.object.id, String(asset.seq));
    assert.equal(ap.object.filetype, 'png');
    assert.equal(ap.current_stage_responses.length, 2);
    for (const r of ap.current_stage_responses) {
      assert.deepEqual(Object.keys(r).sort(), RESPONSE_KEYS);
      assert.equal(r.response, 1);
      assert.equal(r.stage_id, 0);
    }
    assert.equal(ap.current_stage_responses[0].user_id, annSeq);
    assert.equal(ap.current_stage_responses[0].approver_user.id, String(annSeq));
    assert.equal(ap.current_stage_responses[1].user_id, null);
    assert.equal(ap.current_stage_responses[1].user_email, 'guest@outside.test');
    assert.equal(ap.settings['18'].value, '2');
    assert.equal(ap.settings['6'].value, '1');

    const annKey = await keyOf(t, ann, ap.current_stage_responses[0].approval_id);
    assert.match(annKey, /^apr_/);
    const got = await t.req('GET', `/workstream/approvals/${annKey}`, { headers: bearer(ann) });
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body.is_approver, true);
    assert.equal(got.body.editable, false);
    assert.equal(got.body.current_approver.id, String(annSeq));
    // Ann answers: approve; the guest has not, so the approval stays pending.
    const ans = await t.req('POST', `/workstream/approvals/${annKey}/response`, { headers: bearer(ann), json: { response: 2, message: 'Fine by me' } });
    assert.equal(ans.status, 200, ans.text);
    assert.equal(ans.body.status, 1);
    assert.equal(ans.body.current_stage_responses[0].response, 2);
    // The owner answers for the guest: approved.
    const guestId = ap.current_stage_responses[1].id;
    const forGuest = await t.req('POST', `/workstream/approvals/${ap.key}/response`, { headers: bearer(a), json: { response: 2, approval_response_id: guestId } });
    assert.equal(forGuest.status, 200, forGuest.text);
    assert.equal(forGuest.body.status, 2);
    // Bob (not involved) cannot open either key.
    assertWsError(await t.req('GET', `/workstream/approvals/${annKey}`, { headers: bearer(bob) }), 404, 'approval_not_found');
    assertWsError(await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(bob) }), 404, 'approval_not_found');
    assertWsError(await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(b) }), 404, 'approval_not_found');
  });
});
