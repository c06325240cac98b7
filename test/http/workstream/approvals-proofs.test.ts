import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { assetInFolder, createApproval, keyOf, seq } from './approvals-fixtures.js';
import { assertWsError, bearer, coreTask } from './fixtures.js';
import { coreProject } from './projects-fixtures.js';

/** The approvals scope of proofing (§1.4.5: `/approvals/{key}/assets/{assetId}/proof`) and the approval's `proof`. */
describeEachDatabase('workstream: proofs through an approval key', (t) => {
  let a: Tenant;
  let ann: Tenant;
  let ben: Tenant;
  let b: Tenant;
  let annSeq: number;
  let benSeq: number;

  test('setup', async () => {
    a = await t.factory.tenant();
    ann = await t.factory.member(a, { workspace: 'editor' });
    ben = await t.factory.member(a, { workspace: 'editor' });
    b = await t.factory.tenant();
    annSeq = await seq(t, 'users', ann.userId);
    benSeq = await seq(t, 'users', ben.userId);
  });

  test('an approver whose stage may proof, and the owner\'s view key: generate, get, url, delete; source 4 is the approval', async () => {
    const asset = await assetInFolder(t, a, 'proofme.png', '/AP1/');
    const other = await assetInFolder(t, a, 'other.png', '/AP1/');
    const ap = await createApproval(t, a, asset, { approvers: [annSeq] });
    assert.equal(ap.proof, null);
    const approvalSeq = ap.current_stage_responses[0].approval_id;
    const annKey = await keyOf(t, ann, approvalSeq);
    const url = (key: string, assetSeq = asset.seq) => `/workstream/approvals/${key}/assets/${assetSeq}/proof`;

    assertWsError(await t.req('GET', url(annKey), { headers: bearer(ann) }), 404, 'proof_not_found');
    // A `version` is not accepted in this scope; nothing written.
    const before = await t.count('proofs');
    assertWsError(await t.req('POST', url(annKey), { headers: bearer(ann), json: { version: 1 } }), 422);
    assert.equal(await t.count('proofs'), before);
    // The key's approval is of another asset: 403.
    assertWsError(await t.req('POST', url(annKey, other.seq), { headers: bearer(ann) }), 403, 'asset_not_in_approval');
    assert.equal(await t.count('proofs'), before);

    const post = await t.req('POST', url(annKey), { headers: bearer(ann) });
    assert.equal(post.status, 200, post.text);
    assert.equal(post.body.status, 2);
    assert.equal(post.body.source, 4);
    assert.equal(post.body.primary_source_id, approvalSeq);
    assert.equal(post.body.asset_id, asset.seq);
    assert.equal(post.body.version, 1);
    assert.equal(post.body.owner_id, annSeq);
    await t.jobs.runUntilIdle();
    const got = await t.req('GET', url(ap.key), { headers: bearer(a) });
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body.status, 1);
    assert.equal(got.body.id, post.body.id);
    const link = await t.req('GET', `${url(annKey)}/url`, { headers: bearer(ann) });
    assert.equal(link.status, 200, link.text);
    assert.match(link.body.url, /\/workstream\/proofs\/view\//);

    // The approval shows its asset's proof (full form through the key, list form in A1); the limited form does not.
    const full = await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(a) });
    assert.equal(full.status, 200, full.text);
    assert.equal(full.body.proof.id, post.body.id);
    assert.equal(full.body.proof.status, 1);
    assert.equal(full.body.proof.source, 4);
    const list = await t.req('GET', '/workstream/approvals', { headers: bearer(ann) });
    assert.equal(list.body.find((x: any) => x.key === annKey).proof.id, post.body.id);
    const limited = await t.req('GET', `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals`, { headers: bearer(ann) });
    assert.equal(limited.body.proof, null);

    // Another tenant, an unknown key, no auth: 404/404/401.
    assertWsError(await t.req('GET', url(annKey), { headers: bearer(b) }), 404, 'approval_not_found');
    assertWsError(await t.req('GET', url('apr_nope'), { headers: bearer(a) }), 404, 'approval_not_found');
    assertWsError(await t.req('GET', url(annKey)), 401);
    // Someone who holds no slot cannot use Ann's key.
    assertWsError(await t.req('GET', url(annKey), { headers: bearer(ben) }), 404, 'approval_not_found');

    const del = await t.req('DELETE', url(ap.key), { headers: bearer(a) });
    assert.equal(del.status, 204, del.text);
    assert.equal(await t.count('proofs'), before);
    assertWsError(await t.req('GET', url(annKey), { headers: bearer(ann) }), 404, 'proof_not_found');
    assert.equal((await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(a) })).body.proof, null);
  });

  test('an approver whose stage may not proof: 403, nothing written; the owner still may', async () => {
    const asset = await assetInFolder(t, a, 'noproof.png', '/AP2/');
    const ap = await createApproval(t, a, asset, { approvers: [benSeq], can_proof: false });
    const benKey = await keyOf(t, ben, ap.current_stage_responses[0].approval_id);
    const url = (key: string) => `/workstream/approvals/${key}/assets/${asset.seq}/proof`;
    const before = await t.count('proofs');
    assertWsError(await t.req('POST', url(benKey), { headers: bearer(ben) }), 403, 'proofing_not_allowed');
    assertWsError(await t.req('GET', url(benKey), { headers: bearer(ben) }), 403, 'proofing_not_allowed');
    assert.equal(await t.count('proofs'), before);
    const post = await t.req('POST', url(ap.key), { headers: bearer(a) });
    assert.equal(post.status, 200, post.text);
    assert.equal(await t.count('proofs'), before + 1);
  });

  test('T3 and P3 with approval_status: the latest approval\'s summary the caller may see, null otherwise', async () => {
    const approved = await assetInFolder(t, a, 'summary.png', '/AP3/');
    const plain = await assetInFolder(t, a, 'plain.png', '/AP3/');
    const ap = await createApproval(t, a, approved, { approvers: [annSeq] });
    const annKey = await keyOf(t, ann, ap.current_stage_responses[0].approval_id);
    const task = await coreTask(t, a, { title: 'Summaries', asset_id: approved.id });
    const link = await t.req('POST', `/workstream/tasks/${task.sequence}/assets/${plain.seq}`, { headers: bearer(a) });
    assert.ok(link.status === 200 || link.status === 204, link.text);
    const project = await coreProject(t, a, { name: 'Summaries' });
    for (const x of [approved, plain]) {
      const res = await t.req('POST', `/workstream/projects/${project.sequence}/assets/${x.seq}`, { headers: bearer(a) });
      assert.equal(res.status, 204, res.text);
    }
    const summaries = async (who: Tenant, path: string) => {
      const res = await t.req('GET', `${path}?approval_status=1`, { headers: bearer(who) });
      assert.equal(res.status, 200, res.text);
      return Object.fromEntries(res.body.map((x: any) => [x.id, x.approval]));
    };
    for (const path of [`/workstream/tasks/${task.sequence}/assets`, `/workstream/projects/${project.sequence}/assets`]) {
      // The owner: the view-only key, not an approver, may edit.
      const own = await summaries(a, path);
      assert.deepEqual(own[String(approved.seq)], { key: ap.key, type: 'approval', status: ap.status, current_stage_id: ap.current_stage_id, is_approver: false, editable: true });
      assert.equal(own[String(plain.seq)], null);
      // Without approval_status: no `approval` key at all.
      const bare = await t.req('GET', path, { headers: bearer(a) });
      assert.equal(bare.body.every((x: any) => !('approval' in x)), true);
      if (path.includes('/tasks/')) {
        continue; // Only the creator and admins see a task request (spec §1.5 item 1): the rest is P3's.
      }
      // The approver: their own key.
      const ann_ = await summaries(ann, path);
      assert.equal(ann_[String(approved.seq)].key, annKey);
      assert.equal(ann_[String(approved.seq)].is_approver, true);
      assert.equal(ann_[String(approved.seq)].editable, false);
      // An editor who is neither owner nor approver sees none.
      const ben_ = await summaries(ben, path);
      assert.equal(ben_[String(approved.seq)], null);
      assert.equal(ben_[String(plain.seq)], null);
    }
  });
});
