import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notify } from '../../../src/domain/notifications/notifications.service.js';
import { getAccountSetting } from '../../../src/domain/settings/settings.service.js';
import { describeEachDatabase } from '../../harness/app.js';
import { acct, historyOf } from './accounts-fixtures.js';

const SETTING_KEYS = ['default', 'description', 'id', 'key', 'updated_at', 'updated_by_user_id', 'value'];

describeEachDatabase('/accounts settings, subscription, limits, history, notifications', (t) => {
  test('GET /accounts/settings lists the catalogue with defaults; PUT updates one with history', async () => {
    const ten = await t.factory.tenant();
    const admin = await t.factory.member(ten, { account: 'admin' });
    const member = await t.factory.member(ten);
    const list = await t.req('GET', '/accounts/settings', { headers: acct(member) });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((s: { id: string; value: unknown }) => [s.id, s.value]), [
      ['trash_retention_days', 30],
      ['default_workspace_role', 'editor'],
      ['max_upload_bytes', null],
      ['contact_email', null],
    ]);
    assert.deepEqual(Object.keys(list.body[0]).sort(), SETTING_KEYS);
    assert.equal(list.body[0].key, 'trash_retention_days');
    assert.equal(list.body[0].default, 30);
    assert.equal(list.body[0].updated_at, null);
    const put = await t.req('PUT', '/accounts/settings/trash_retention_days', { headers: acct(admin), json: { value: 90 } });
    assert.equal(put.status, 200);
    assert.equal(put.body.id, 'trash_retention_days');
    assert.equal(put.body.value, 90);
    assert.equal(put.body.default, 30);
    assert.equal(put.body.updated_by_user_id, admin.userId);
    assert.match(put.body.updated_at, /^\d{4}-/);
    const again = await t.req('PUT', '/accounts/settings/trash_retention_days', { headers: acct(ten), json: { value: 7 } });
    assert.equal(again.body.value, 7);
    assert.equal(await getAccountSetting(t.deps.db, ten.accountId, 'trash_retention_days'), 7);
    const rows = await t.deps.db.selectFrom('settings').selectAll().where('account_id', '=', ten.accountId).execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.workspace_id, null);
    const hist = await historyOf(t, { accountId: ten.accountId, type: 'setting_updated' });
    assert.deepEqual(hist.map((h) => h.data), [
      { key: 'trash_retention_days', before: 30, after: 90 },
      { key: 'trash_retention_days', before: 90, after: 7 },
    ]);
    const role = await t.req('PUT', '/accounts/settings/default_workspace_role', { headers: acct(ten), json: { value: 'viewer' } });
    assert.equal(role.body.value, 'viewer');
    // Another account keeps its defaults.
    const other = await t.factory.tenant();
    assert.equal(await getAccountSetting(t.deps.db, other.accountId, 'trash_retention_days'), 30);
  });

  test('PUT /accounts/settings: bad value 400 (/value), unknown key 404, member 403; nothing written', async () => {
    const ten = await t.factory.tenant();
    const member = await t.factory.member(ten);
    const before = await Promise.all([t.count('settings'), t.count('history_events')]);
    const bad: Array<[string, unknown]> = [
      ['trash_retention_days', 0],
      ['trash_retention_days', 3651],
      ['trash_retention_days', 1.5],
      ['trash_retention_days', '30'],
      ['default_workspace_role', 'owner'],
      ['max_upload_bytes', -1],
      ['contact_email', 'nope'],
    ];
    for (const [key, value] of bad) {
      const res = await t.req('PUT', `/accounts/settings/${key}`, { headers: acct(ten), json: { value } });
      assert.equal(res.status, 400, `${key}=${JSON.stringify(value)}`);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.deepEqual(res.body.error.fields.map((f: { in: string; pointer: string }) => [f.in, f.pointer]), [['body', '/value']]);
    }
    const missing = await t.req('PUT', '/accounts/settings/trash_retention_days', { headers: acct(ten), json: {} });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.fields[0].pointer, '/value');
    const unknown = await t.req('PUT', '/accounts/settings/no_such_setting', { headers: acct(ten), json: { value: 1 } });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'setting_not_found');
    const forbidden = await t.req('PUT', '/accounts/settings/trash_retention_days', { headers: acct(member), json: { value: 60 } });
    assert.equal(forbidden.status, 403);
    assert.equal((await t.req('GET', '/accounts/settings', { headers: { 'x-account-id': ten.accountId } })).status, 401);
    assert.deepEqual(await Promise.all([t.count('settings'), t.count('history_events')]), before);
  });

  test('subscriptions: GET the self-hosted plan; PUT (owners) sets the contact; other tiers 400', async () => {
    const ten = await t.factory.tenant();
    const admin = await t.factory.member(ten, { account: 'admin' });
    const get = await t.req('GET', '/accounts/subscriptions', { headers: acct(admin) });
    assert.equal(get.status, 200);
    assert.deepEqual(get.body, {
      account_id: ten.accountId, stripe_customer_id: null, status: 'active', licenses: 2, frequency: 'yearly', contact: null, tier: 'self-hosted',
    });
    const byAdmin = await t.req('PUT', '/accounts/subscriptions?email=a@example.test', { headers: acct(admin) });
    assert.equal(byAdmin.status, 403);
    const before = await t.count('history_events');
    for (const [query, pointer] of [['tier=pro', '/tier'], ['frequency=monthly', '/frequency'], ['email=nope', '/email'], ['frequency=weekly', '/frequency']]) {
      const res = await t.req('PUT', `/accounts/subscriptions?${query}`, { headers: acct(ten) });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.fields[0].in, 'query');
      assert.equal(res.body.error.fields[0].pointer, pointer);
    }
    assert.equal(await t.count('history_events'), before);
    const put = await t.req('PUT', '/accounts/subscriptions?tier=self-hosted&frequency=yearly&email=Billing@Example.test&payment_method_id=pm_1', { headers: acct(ten) });
    assert.equal(put.status, 200);
    assert.equal(put.body.contact, 'billing@example.test');
    assert.equal(put.body.tier, 'self-hosted');
    const [h] = await historyOf(t, { accountId: ten.accountId, type: 'subscription_updated' });
    assert.deepEqual(h?.data, { before: { tier: 'self-hosted', contact: null }, after: { tier: 'self-hosted', contact: 'billing@example.test' } });
    const acc = await t.req('GET', '/accounts', { headers: acct(ten) });
    assert.equal(acc.body[0].subscription.contact, 'billing@example.test');
  });

  test('GET /accounts/limits sums usage over the workspaces; no maximum', async () => {
    const ten = await t.factory.tenant();
    await t.factory.workspace(ten);
    await t.factory.member(ten);
    const member = await t.factory.member(ten, { account: 'member', workspace: null });
    const res = await t.req('GET', '/accounts/limits', { headers: acct(member) });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      isTemporary: false,
      expiresInDays: null,
      storage: { current: 0, max: null },
      assets: { current: 0, max: null },
      users: { current: 3, max: null },
    });
    assert.equal((await t.req('GET', '/accounts/limits', { headers: { 'x-account-id': ten.accountId } })).status, 401);
  });

  test('GET /accounts/history: newest first, cursor pages via x-next-cursor, admins only, own account only', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    for (const name of ['One', 'Two', 'Three']) {
      assert.equal((await t.req('PUT', '/accounts', { headers: acct(ten), json: { name } })).status, 200);
    }
    await t.req('PUT', '/accounts', { headers: acct(other), json: { name: 'Elsewhere' } });
    const first = await t.req('GET', '/accounts/history?limit=2', { headers: acct(ten) });
    assert.equal(first.status, 200);
    assert.equal(first.body.length, 2);
    assert.deepEqual(Object.keys(first.body[0]).sort(), ['account_id', 'created_at', 'data', 'id', 'record_id', 'type', 'user_id']);
    assert.deepEqual(first.body.map((h: { data: { after: { name: string } } }) => h.data.after.name), ['Three', 'Two']);
    assert.equal(first.body[0].type, 'account_updated');
    assert.equal(first.body[0].user_id, ten.userId);
    assert.equal(first.body[0].account_id, ten.accountId);
    const cursor = first.headers['x-next-cursor'];
    assert.match(String(cursor), /^\d+$/);
    const all = await t.req('GET', `/accounts/history?limit=500&cursor=${String(cursor)}`, { headers: acct(ten) });
    assert.equal(all.body[0].data.after.name, 'One');
    assert.ok(all.body.every((h: { account_id: string }) => h.account_id === ten.accountId));
    assert.equal(all.headers['x-next-cursor'], undefined);
    const member = await t.factory.member(ten);
    assert.equal((await t.req('GET', '/accounts/history', { headers: acct(member) })).status, 403);
    const bad = await t.req('GET', '/accounts/history?limit=0', { headers: acct(ten) });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.fields[0].pointer, '/limit');
  });

  test('a history cursor past the 32-bit sequences is a 400 on /cursor, the largest one a page (it was a 500 on PostgreSQL)', async () => {
    const ten = await t.factory.tenant();
    await t.req('PUT', '/accounts', { headers: acct(ten), json: { name: 'Renamed' } });
    const largest = await t.req('GET', '/accounts/history?cursor=2147483647', { headers: acct(ten) });
    assert.equal(largest.status, 200);
    assert.ok(largest.body.length >= 1);
    for (const url of ['/accounts/history?cursor=2147483648', '/workspaces/history?cursor=9007199254740992', '/accounts/notifications?cursor=1e308']) {
      const res = await t.req('GET', url, { headers: ten.headers });
      assert.equal(res.status, 400, `${url}: ${res.text}`);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.deepEqual(res.body.error.fields.map((f: { in: string; pointer: string }) => [f.in, f.pointer]), [['query', '/cursor']]);
      assert.equal(typeof res.body.request_id, 'string');
    }
  });

  test('notifications: own only, newest first, unread filter, paging, mark read', async () => {
    const ten = await t.factory.tenant();
    const member = await t.factory.member(ten);
    const other = await t.factory.tenant();
    const made = [];
    for (const n of [1, 2, 3]) {
      made.push(...(await notify(t.deps, { accountId: ten.accountId, workspaceId: ten.workspaceId, userIds: [member.userId, member.userId], type: 'mention', data: { n } })));
    }
    await notify(t.deps, { accountId: ten.accountId, userIds: [ten.userId], type: 'other', data: {} });
    const [theirs] = await notify(t.deps, { accountId: other.accountId, userIds: [other.userId], type: 'x' });
    const list = await t.req('GET', '/accounts/notifications', { headers: acct(member) });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((n: { data: { n: number } }) => n.data.n), [3, 2, 1]);
    assert.deepEqual(list.body[0], {
      id: made[2]?.id, account_id: ten.accountId, workspace_id: ten.workspaceId, user_id: member.userId, type: 'mention', data: { n: 3 }, read_at: null,
      created_at: made[2]?.created_at,
    });
    const page = await t.req('GET', '/accounts/notifications?limit=2', { headers: acct(member) });
    assert.equal(page.body.length, 2);
    const rest = await t.req('GET', `/accounts/notifications?cursor=${String(page.headers['x-next-cursor'])}`, { headers: acct(member) });
    assert.deepEqual(rest.body.map((n: { data: { n: number } }) => n.data.n), [1]);
    const read = await t.req('POST', `/accounts/notifications/${made[0]?.id}/read`, { headers: acct(member) });
    assert.equal(read.status, 200);
    assert.match(read.body.read_at, /^\d{4}-/);
    const unread = await t.req('GET', '/accounts/notifications?unread=true', { headers: acct(member) });
    assert.deepEqual(unread.body.map((n: { data: { n: number } }) => n.data.n), [3, 2]);
    // Someone else's notification (same account or another) is 404 and stays unread.
    const ownerNote = (await t.req('GET', '/accounts/notifications', { headers: acct(ten) })).body[0];
    for (const id of [ownerNote.id, theirs?.id]) {
      const res = await t.req('POST', `/accounts/notifications/${id}/read`, { headers: acct(member) });
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'notification_not_found');
    }
    const all = await t.req('POST', '/accounts/notifications/read', { headers: acct(member) });
    assert.deepEqual(all.body, { ok: true, updated: 2 });
    assert.deepEqual((await t.req('GET', '/accounts/notifications?unread=true', { headers: acct(member) })).body, []);
    const ownerAfter = await t.req('GET', '/accounts/notifications?unread=true', { headers: acct(ten) });
    assert.equal(ownerAfter.body.length, 1);
    assert.equal((await t.req('GET', '/accounts/notifications', { headers: { 'x-account-id': ten.accountId } })).status, 401);
    assert.equal((await t.req('POST', '/accounts/notifications/not-a-uuid/read', { headers: acct(member) })).status, 400);
  });
});
