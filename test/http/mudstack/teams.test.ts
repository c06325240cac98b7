import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';

const TEAM_KEYS = ['color', 'created_at', 'id', 'member_ids', 'name', 'sequence', 'updated_at'];

describeEachDatabase('core: teams and approval templates (admin routes)', (t) => {
  let a: Tenant;
  let member: Tenant;
  let b: Tenant;

  test('setup', async () => {
    a = await t.factory.tenant();
    member = await t.factory.member(a, { workspace: 'editor' });
    b = await t.factory.tenant();
  });

  test('create, list, get, rename, add and remove members, delete; history written', async () => {
    const created = await t.req('POST', '/accounts/teams', { headers: a.headers, json: { name: 'Art', user_ids: [member.userId] } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(Object.keys(created.body).sort(), TEAM_KEYS);
    assert.equal(created.body.name, 'Art');
    assert.match(created.body.color, /^#[0-9A-F]{6}$/i);
    assert.deepEqual(created.body.member_ids, [member.userId]);
    const id = created.body.id;
    const list = await t.req('GET', '/accounts/teams', { headers: member.headers });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.map((x: any) => x.id), [id], 'members read teams');
    assert.equal((await t.req('GET', `/v1/accounts/teams/${id}`, { headers: a.headers })).body.name, 'Art');
    const renamed = await t.req('PATCH', `/accounts/teams/${id}`, { headers: a.headers, json: { name: 'Art dept', color: '#123456' } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.body.color, '#123456');
    const added = await t.req('POST', `/accounts/teams/${id}/members`, { headers: a.headers, json: { user_ids: [a.userId, member.userId] } });
    assert.deepEqual(added.body.member_ids.sort(), [a.userId, member.userId].sort());
    const removed = await t.req('DELETE', `/accounts/teams/${id}/members/${member.userId}`, { headers: a.headers });
    assert.deepEqual(removed.body.member_ids, [a.userId]);
    const hist = await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', id).orderBy('sequence').execute();
    assert.deepEqual(hist.map((h) => h.type), ['team_created', 'team_updated', 'team_members_added', 'team_members_removed']);
    assert.equal((await t.req('DELETE', `/accounts/teams/${id}`, { headers: a.headers })).status, 200);
    assert.equal((await t.req('GET', `/accounts/teams/${id}`, { headers: a.headers })).status, 404);
  });

  test('members may not manage; another account\'s team or user is 404; bad input 422 and nothing written; no auth 401', async () => {
    const team = (await t.req('POST', '/accounts/teams', { headers: a.headers, json: { name: 'Ops' } })).body;
    const before = await Promise.all([t.count('teams'), t.count('team_members'), t.count('history_events')]);
    assert.equal((await t.req('POST', '/accounts/teams', { headers: member.headers, json: { name: 'Mine' } })).status, 403);
    assert.equal((await t.req('PATCH', `/accounts/teams/${team.id}`, { headers: member.headers, json: { name: 'x' } })).status, 403);
    assert.equal((await t.req('GET', `/accounts/teams/${team.id}`, { headers: b.headers })).status, 404);
    assert.equal((await t.req('DELETE', `/accounts/teams/${team.id}`, { headers: b.headers })).status, 404);
    assert.equal((await t.req('POST', `/accounts/teams/${team.id}/members`, { headers: a.headers, json: { user_ids: [b.userId] } })).status, 404);
    for (const [body, pointer] of [[{ name: '' }, '/name'], [{ name: 'x'.repeat(256) }, '/name'], [{ name: 'ok', color: 'red' }, '/color'], [{}, '/name']] as const) {
      const res = await t.req('POST', '/accounts/teams', { headers: a.headers, json: body });
      assert.ok([400, 422].includes(res.status), res.text);
      assert.ok(JSON.stringify(res.body.error.fields ?? res.body.error).includes(pointer.slice(1)), res.text);
    }
    assert.equal((await t.req('GET', '/accounts/teams')).status, 401);
    assert.deepEqual(await Promise.all([t.count('teams'), t.count('team_members'), t.count('history_events')]), before);
  });

  test('approval templates: create, list, get, new version; fixed approvers must be the account\'s; bad stages 4xx naming the field', async () => {
    const team = (await t.req('POST', '/accounts/teams', { headers: a.headers, json: { name: 'Legal' } })).body;
    const res = await t.req('POST', '/accounts/approvalTemplates', {
      headers: a.headers,
      json: { name: 'Path', stages: [{ name: 'Legal', approver_source: 'fixed', approvers: [{ type: 'team', id: team.id }, { type: 'email', email: 'Ext@Outside.test' }], approver_style: 'first' }] },
    });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.stages, [
      { name: 'Legal', approver_source: 'fixed', approvers: [{ type: 'team', id: team.id }, { type: 'email', email: 'ext@outside.test' }], approver_style: 'first', view_comments: true, can_proof: true },
    ]);
    assert.equal(res.body.is_current, true);
    assert.equal((await t.req('GET', `/accounts/approvalTemplates/${res.body.id}`, { headers: member.headers })).status, 200);
    assert.equal((await t.req('GET', `/accounts/approvalTemplates/${res.body.id}`, { headers: b.headers })).status, 404);
    const v2 = await t.req('POST', `/accounts/approvalTemplates/${res.body.id}/versions`, { headers: a.headers, json: { stages: [{ name: 'Anyone', approver_source: 'requester' }] } });
    assert.equal(v2.status, 201, v2.text);
    assert.equal(v2.body.name, 'Path');
    const all = await t.req('GET', '/accounts/approvalTemplates?all=true', { headers: a.headers });
    assert.deepEqual(all.body.map((x: any) => [x.version, x.is_current]), [[1, false], [2, true]]);
    const before = await t.count('approval_templates');
    const bad: Array<[unknown, string]> = [
      [{ name: 'x', stages: [] }, 'stages'],
      [{ name: 'x', stages: [{ name: 'S', approver_source: 'fixed' }] }, 'stages/0/approvers'],
      [{ name: 'x', stages: [{ name: 'S', approver_source: 'nobody' }] }, 'stages/0/approver_source'],
      [{ name: 'x', stages: [{ name: 'S', approver_source: 'requester', approvers: [{ type: 'user', id: a.userId }] }] }, 'stages/0/approvers'],
      [{ name: 'x', stages: [{ name: 'S', approver_source: 'fixed', approvers: [{ type: 'email', email: 'nope' }] }] }, 'stages/0/approvers/0'],
    ];
    for (const [body, field] of bad) {
      const r = await t.req('POST', '/accounts/approvalTemplates', { headers: a.headers, json: body });
      assert.ok([400, 422].includes(r.status), r.text);
      assert.ok(JSON.stringify(r.body.error.fields).includes(field), `${field}: ${r.text}`);
    }
    const stranger = await t.req('POST', '/accounts/approvalTemplates', { headers: a.headers, json: { name: 'x', stages: [{ name: 'S', approver_source: 'fixed', approvers: [{ type: 'user', id: b.userId }] }] } });
    assert.equal(stranger.status, 404, stranger.text);
    assert.equal((await t.req('POST', '/accounts/approvalTemplates', { headers: member.headers, json: { name: 'x', stages: [{ name: 'S', approver_source: 'requester' }] } })).status, 403);
    assert.equal(await t.count('approval_templates'), before);
  });
});
