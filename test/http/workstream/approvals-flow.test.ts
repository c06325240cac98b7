import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { assetInFolder, coreTeam, createApproval, keyOf, seq } from './approvals-fixtures.js';
import { assertWsError, bearer } from './fixtures.js';

describeEachDatabase('workstream: multi-stage approvals from templates (teams, guests, first response wins)', (t) => {
  let a: Tenant;
  let ann: Tenant;
  let tom: Tenant;
  let tia: Tenant;
  let uploader: Tenant;

  test('setup', async () => {
    a = await t.factory.tenant();
    ann = await t.factory.member(a, { workspace: 'editor' });
    tom = await t.factory.member(a, { workspace: 'viewer' });
    tia = await t.factory.member(a, { workspace: 'viewer' });
    uploader = await t.factory.member(a, { workspace: 'editor' });
  });

  test('three stages (team "first response wins" → requester-named guest + user "all required" → uploader) run to the end', async () => {
    const team = await coreTeam(t, a, 'Legal', [tom.userId, tia.userId]);
    const tpl = await t.req('POST', '/accounts/approvalTemplates', {
      headers: a.headers,
      json: {
        name: 'Release path',
        stages: [
          { name: 'Legal', approver_source: 'fixed', approvers: [{ type: 'team', id: team.id }, { type: 'user', id: ann.userId }], approver_style: 'first', view_comments: false },
          { name: 'Client', approver_source: 'requester', approver_style: 'all' },
          { name: 'Author', approver_source: 'uploader' },
        ],
      },
    });
    assert.equal(tpl.status, 201, tpl.text);
    assert.equal(tpl.body.version, 1);
    assert.equal(tpl.body.parent_id, null);
    const asset = await assetInFolder(t, uploader, 'release.png');
    const annSeq = await seq(t, 'users', ann.userId);
    const ap = await createApproval(t, a, asset, { template_id: tpl.body.sequence, approvers: ['client@outside.test', annSeq], comments: 'Ship it?' });
    assert.equal(ap.current_stage_id, 1);
    assert.equal(ap.template.id, tpl.body.sequence);
    assert.equal(ap.template.template_parent_id, tpl.body.sequence);
    assert.deepEqual(ap.template.stages.map((s: any) => [s.id, s.name, s.approver_style]), [[1, 'Legal', 'first'], [2, 'Client', 'all'], [3, 'Author', 'all']]);
    // Stage 1 shows only its approvers: the team slot (empty approver_user until a member answers) and Ann.
    const [teamSlot, annSlot] = ap.current_stage_responses;
    assert.equal(teamSlot.secondary_approver_type, 1);
    assert.equal(teamSlot.secondary_approver_id, team.sequence);
    assert.deepEqual(teamSlot.secondary_approver, { id: team.sequence, type: 'team', name: 'Legal', color: teamSlot.secondary_approver.color, image: false });
    assert.equal(teamSlot.approver_user.id, '');
    assert.equal(teamSlot.user_id, null);
    assert.equal(annSlot.user_id, annSeq);
    assert.equal(ap.settings['18'].value, '1', 'first response wins');
    assert.equal(ap.settings['6'].value, '0', 'approvers of stage 1 cannot view comments');

    // A team member (Tia) answers through the team's key: "first response wins" moves the approval to stage 2.
    const counts = await t.req('GET', '/workstream/approvals/counts', { headers: bearer(tia) });
    assert.deepEqual(counts.body, { pending_count: 1 });
    const tiaKey = await keyOf(t, tia, teamSlot.approval_id);
    const rej = await t.req('POST', `/workstream/approvals/${tiaKey}/response`, { headers: bearer(tia), json: { response: 3, message: 'Not yet' } });
    assert.equal(rej.status, 200, rej.text);
    assert.equal(rej.body.current_stage_id, 1, 'a rejection keeps the stage');
    assert.equal(rej.body.status, 1);
    assert.equal(rej.body.current_stage_responses[0].approver_user.id, String(await seq(t, 'users', tia.userId)), 'approver_user shows who answered for the team');
    const annKey = await keyOf(t, ann, teamSlot.approval_id);
    const ok1 = await t.req('POST', `/workstream/approvals/${annKey}/response`, { headers: bearer(ann), json: { response: 2 } });
    assert.equal(ok1.status, 200, ok1.text);
    assert.equal(ok1.body.current_stage_id, 2, 'one approval is enough on a "first response wins" stage');
    assert.equal(ok1.body.status, 1);
    // Tom (team member) can no longer answer: his team is not on stage 2.
    const tomKey = tiaKey;
    assertWsError(await t.req('POST', `/workstream/approvals/${tomKey}/response`, { headers: bearer(tom), json: { response: 2 } }), 403, 'approval_stage_not_current');
    assert.equal((await t.req('GET', '/workstream/approvals/counts', { headers: bearer(tia) })).body.pending_count, 0);

    // Stage 2: the guest and Ann (named by the requester), both required.
    const owner = await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(a) });
    assert.equal(owner.status, 200, owner.text);
    const stage2 = owner.body.current_stage_responses;
    assert.deepEqual(stage2.map((r: any) => [r.stage_id, r.user_email]), [[2, 'client@outside.test'], [2, ann.email]]);
    const ann2 = stage2[1];
    const annKey2 = await keyOf(t, ann, ann2.approval_id);
    assert.notEqual(annKey2, annKey, 'one key per approver slot');
    const a2 = await t.req('POST', `/workstream/approvals/${annKey2}/response`, { headers: bearer(ann), json: { response: 2 } });
    assert.equal(a2.body.current_stage_id, 2, 'the guest has not answered: all are required');
    const g2 = await t.req('POST', `/workstream/approvals/${ap.key}/response`, { headers: bearer(a), json: { response: 2, approval_response_id: stage2[0].id } });
    assert.equal(g2.status, 200, g2.text);
    assert.equal(g2.body.current_stage_id, 3);

    // Stage 3: the uploader.
    const upKey = await keyOf(t, uploader, ap.current_stage_responses[0].approval_id);
    const last = await t.req('POST', `/workstream/approvals/${upKey}/response`, { headers: bearer(uploader), json: { response: 2, message: 'Mine, approved' } });
    assert.equal(last.status, 200, last.text);
    assert.equal(last.body.status, 2, 'the last stage met: approved');
    assertWsError(await t.req('POST', `/workstream/approvals/${upKey}/response`, { headers: bearer(uploader), json: { response: 3 } }), 409, 'approval_not_pending');
    const events = await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', (await t.deps.db.selectFrom('approvals').select('id').where('sequence', '=', ap.current_stage_responses[0].approval_id).executeTakeFirstOrThrow()).id).orderBy('sequence').execute();
    assert.deepEqual(events.map((e) => e.type).filter((x) => x !== 'approval_answered'), ['approval_created', 'approval_stage_started', 'approval_stage_started', 'approval_completed']);
    const note = await t.deps.db.selectFrom('notifications').select('type').where('user_id', '=', a.userId).where('type', '=', 'approval_completed').execute();
    assert.equal(note.length, 1);
  });

  test('editing a template makes a new version; approvals keep the version they started on; filter[template_parent_id]', async () => {
    const tpl = (await t.req('POST', '/accounts/approvalTemplates', { headers: a.headers, json: { name: 'One step', stages: [{ name: 'Check', approver_source: 'requester' }] } })).body;
    const asset = await assetInFolder(t, a, 'versions.png', '/V/');
    const ap1 = await createApproval(t, a, asset, { template_id: tpl.sequence, approvers: [await seq(t, 'users', ann.userId)] });
    const v2 = await t.req('POST', `/accounts/approvalTemplates/${tpl.id}/versions`, { headers: a.headers, json: { name: 'One step v2' } });
    assert.equal(v2.status, 201, v2.text);
    assert.equal(v2.body.version, 2);
    assert.equal(v2.body.parent_id, tpl.id);
    assert.equal(v2.body.root_id, tpl.id);
    const again = await t.req('POST', `/accounts/approvalTemplates/${tpl.id}/versions`, { headers: a.headers, json: { name: 'fork' } });
    assert.equal(again.status, 409, again.text);
    const current = await t.req('GET', '/accounts/approvalTemplates', { headers: a.headers });
    assert.deepEqual(current.body.filter((x: any) => x.root_id === tpl.id).map((x: any) => x.version), [2]);
    const got = await t.req('GET', `/workstream/approvals/${ap1.key}`, { headers: bearer(a) });
    assert.equal(got.body.template.id, tpl.sequence, 'still the version it started on');
    assert.equal(got.body.template.name, 'One step');
    const byLine = await t.req('GET', `/workstream/approvals?filter[template_parent_id][]=${v2.body.sequence}`, { headers: bearer(a) });
    assert.equal(byLine.status, 200, byLine.text);
    assert.deepEqual(byLine.body.map((x: any) => x.key), [ap1.key]);
  });
});
