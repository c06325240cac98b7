import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import { coreTeam, seq } from './approvals-fixtures.js';
import { assertWsError, bearer } from './fixtures.js';

describeEachDatabase('workstream: share options (M1)', (t) => {
  test('users and teams mixed by name; q; filter[roles][]; teams_enabled; limit; project_id accepted; tenancy; auth', async () => {
    const a = await t.factory.tenant();
    const ed = await t.factory.member(a, { workspace: 'editor' });
    const vi = await t.factory.member(a, { workspace: 'viewer' });
    await t.deps.db.updateTable('users').set({ first_name: 'Zed', last_name: 'Editor' }).where('id', '=', ed.userId).execute();
    await t.deps.db.updateTable('users').set({ first_name: 'Val', last_name: 'Viewer' }).where('id', '=', vi.userId).execute();
    await t.deps.db.updateTable('users').set({ first_name: 'Ada', last_name: 'Admin' }).where('id', '=', a.userId).execute();
    const team = await coreTeam(t, a, 'Marketing', [ed.userId]);
    const b = await t.factory.tenant();
    await coreTeam(t, b, 'Elsewhere', []);

    const all = await t.req('GET', '/workstream/shareoptions', { headers: bearer(a) });
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(all.body.map((o: any) => [o.type, o.firstname]), [['user', 'Ada'], ['team', 'Marketing'], ['user', 'Val'], ['user', 'Zed']]);
    assert.deepEqual(all.body[1], { id: String(team.sequence), firstname: 'Marketing', lastname: '', email: '', type: 'team', color: all.body[1].color, image: false });
    assert.deepEqual(Object.keys(all.body[0]).sort(), ['color', 'email', 'firstname', 'id', 'image', 'lastname', 'type']);
    assert.equal(all.body[0].id, String(await seq(t, 'users', a.userId)));
    const q = await t.req('GET', '/workstream/shareoptions?q=mark', { headers: bearer(a) });
    assert.deepEqual(q.body.map((o: any) => o.firstname), ['Marketing']);
    const byEmail = await t.req('GET', `/workstream/shareoptions?q=${encodeURIComponent(vi.email)}`, { headers: bearer(a) });
    assert.deepEqual(byEmail.body.map((o: any) => o.firstname), ['Val']);
    const roles = await t.req('GET', '/workstream/shareoptions?filter[roles][]=4&filter[roles][]=5&teams_enabled=0', { headers: bearer(a) });
    assert.deepEqual(roles.body.map((o: any) => o.firstname), ['Val', 'Zed']);
    const lim = await t.req('GET', '/workstream/shareoptions?limit=2&project_id=7', { headers: bearer(a) });
    assert.equal(lim.body.length, 2);
    assertWsError(await t.req('GET', '/workstream/shareoptions?limit=0', { headers: bearer(a) }), 422);
    assertWsError(await t.req('GET', '/workstream/shareoptions?filter[roles][]=9', { headers: bearer(a) }), 422);
    assertWsError(await t.req('GET', '/workstream/shareoptions?filter[colour][]=1', { headers: bearer(a) }), 422);
    assertWsError(await t.req('GET', '/workstream/shareoptions'), 401);
    const other = await t.req('GET', '/workstream/shareoptions', { headers: bearer(b) });
    assert.deepEqual(other.body.filter((o: any) => o.type === 'team').map((o: any) => o.firstname), ['Elsewhere']);
  });
});
