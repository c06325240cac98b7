import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { describeEachDatabase } from '../../harness/app.js';
import { acct, form, historyOf, png, USER_KEYS } from './accounts-fixtures.js';

const SELF_HOSTED_TIER = { id: 'self-hosted', name: 'Self-hosted', type: 'self-hosted', maxStorage: null, costPerLicense: 0, costPerExtraTB: 0 };
const SELF_HOSTED_TYPE = { id: 'self-hosted', name: 'Self-hosted', maxStorage: null, maxAssets: null, maxUsers: null, costPerUser: 0, addStoragePrice: 0 };

describeEachDatabase('GET/PUT/DELETE /accounts', (t) => {
  test('GET /accounts answers a one-item array with the documented Account shape', async () => {
    const ten = await t.factory.tenant('Acme Studio');
    const second = await t.factory.workspace(ten, 'Second');
    for (const prefix of ['', '/v1']) {
      const res = await t.req('GET', `${prefix}/accounts`, { headers: acct(ten) });
      assert.equal(res.status, 200);
      assert.equal(res.body.length, 1);
      const a = res.body[0];
      assert.deepEqual(Object.keys(a).sort(), [
        'account_tier_id', 'created_at', 'created_by_user_id', 'creator', 'defaultAvatar', 'id', 'members', 'name', 'sequence',
        'subscription', 'thumbnail_file_id', 'tier', 'type', 'updated_at', 'workspaces',
      ]);
      assert.equal(a.id, ten.accountId);
      assert.equal(a.name, 'Acme Studio');
      assert.equal(a.account_tier_id, 'self-hosted');
      assert.equal(a.thumbnail_file_id, null);
      assert.equal(a.created_by_user_id, ten.userId);
      assert.equal(a.defaultAvatar, 1);
      assert.equal(typeof a.sequence, 'number');
      assert.deepEqual(a.tier, SELF_HOSTED_TIER);
      assert.deepEqual(a.type, SELF_HOSTED_TYPE);
      assert.deepEqual(a.subscription, {
        account_id: ten.accountId, stripe_customer_id: null, status: 'active', licenses: 1, frequency: 'yearly', contact: null, tier: 'self-hosted',
      });
      assert.deepEqual({ ...a.members, user: undefined }, { account_id: ten.accountId, user_id: ten.userId, roles: ['owner'], user: undefined });
      assert.deepEqual(Object.keys(a.members.user).sort(), USER_KEYS);
      assert.equal(a.members.user.email, ten.email);
      assert.equal(a.creator.id, ten.userId);
      assert.deepEqual(a.workspaces.map((w: { id: string }) => w.id), [ten.workspaceId, second]);
      assert.deepEqual(a.workspaces[0].roles, { workspace_id: ten.workspaceId, user_id: ten.userId, roles: ['admin'] });
      assert.match(a.created_at, /^\d{4}-\d\d-\d\dT/);
    }
  });

  test('a member sees only the workspaces they belong to, with their own membership', async () => {
    const ten = await t.factory.tenant();
    await t.factory.workspace(ten, 'Hidden');
    const member = await t.factory.member(ten, { account: 'member', workspace: 'viewer' });
    const res = await t.req('GET', '/accounts', { headers: acct(member) });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body[0].members.roles, ['member']);
    assert.equal(res.body[0].members.user_id, member.userId);
    assert.deepEqual(res.body[0].workspaces.map((w: { id: string }) => w.id), [ten.workspaceId]);
    assert.equal(res.body[0].subscription.licenses, 2);
    const list = await t.req('GET', '/accounts/workspaces', { headers: acct(member) });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((w: { id: string }) => w.id), [ten.workspaceId]);
    assert.deepEqual(list.body[0].roles, { workspace_id: ten.workspaceId, user_id: member.userId, roles: ['viewer'] });
    assert.deepEqual(list.body[0].usage, { members: 2, storage: 0, assets: 0 });
    const owner = await t.req('GET', '/accounts/workspaces', { headers: acct(ten) });
    assert.equal(owner.body.length, 2);
  });

  test('auth: no token 401, another account 403, no x-account-id 400', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    for (const [method, url] of [['GET', '/accounts'], ['PUT', '/accounts'], ['DELETE', '/accounts'], ['GET', '/accounts/workspaces'], ['GET', '/accounts/thumbnail'], ['GET', '/accounts/tiers'], ['GET', '/accounts/types']] as const) {
      const none = await t.req(method, url, { headers: { 'x-account-id': ten.accountId } });
      assert.equal(none.status, 401, `${method} ${url}`);
      assert.equal(none.body.error.code, 'unauthenticated');
      const foreign = await t.req(method, url, { headers: { ...acct(ten), 'x-account-id': other.accountId } });
      assert.equal(foreign.status, 403, `${method} ${url}`);
      assert.equal(foreign.body.error.code, 'account_forbidden');
    }
    const noHeader = await t.req('GET', '/accounts', { headers: { authorization: ten.headers.authorization ?? '' } });
    assert.equal(noHeader.status, 400);
    assert.equal(noHeader.body.error.code, 'header_missing');
  });

  test('GET /accounts/tiers and /accounts/types list the self-hosted plan', async () => {
    const ten = await t.factory.tenant();
    const member = await t.factory.member(ten);
    assert.deepEqual((await t.req('GET', '/accounts/tiers', { headers: acct(member) })).body, [SELF_HOSTED_TIER]);
    assert.deepEqual((await t.req('GET', '/accounts/types', { headers: acct(member) })).body, [SELF_HOSTED_TYPE]);
  });

  test('PUT /accounts renames with JSON and records before/after history', async () => {
    const ten = await t.factory.tenant('Old Name');
    const admin = await t.factory.member(ten, { account: 'admin' });
    const res = await t.req('PUT', '/accounts', { headers: acct(admin), json: { name: '  New Name ', defaultAvatar: 4 } });
    assert.equal(res.status, 200);
    assert.equal(res.body.name, 'New Name');
    assert.equal(res.body.defaultAvatar, 4);
    assert.deepEqual(res.body.members.roles, ['admin']);
    assert.ok(res.body.updated_at >= res.body.created_at);
    const [h] = await historyOf(t, { accountId: ten.accountId, type: 'account_updated' });
    assert.equal(h?.user_id, admin.userId);
    assert.equal(h?.record_id, ten.accountId);
    assert.deepEqual(h?.data, {
      before: { name: 'Old Name', defaultAvatar: 1, thumbnail_file_id: null },
      after: { name: 'New Name', defaultAvatar: 4, thumbnail_file_id: null },
    });
    // The same values again change nothing and write no history.
    const same = await t.req('PUT', '/accounts', { headers: acct(admin), json: { name: 'New Name' } });
    assert.equal(same.status, 200);
    assert.equal((await historyOf(t, { accountId: ten.accountId, type: 'account_updated' })).length, 1);
  });

  test('PUT /accounts multipart stores a WebP thumbnail, served by GET /accounts/thumbnail', async () => {
    const ten = await t.factory.tenant();
    const none = await t.req('GET', '/accounts/thumbnail', { headers: acct(ten) });
    assert.equal(none.status, 404);
    assert.equal(none.body.error.code, 'thumbnail_not_found');
    const f = form([
      { name: 'body', value: JSON.stringify({ name: 'With Thumb' }) },
      { name: 'file', value: await png(400, 200), filename: 'logo.png', contentType: 'image/png' },
    ]);
    const res = await t.req('PUT', '/accounts', { headers: { ...acct(ten), ...f.headers }, payload: f.payload });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, 'With Thumb');
    assert.match(res.body.thumbnail_file_id, /^[0-9a-f]{64}$/);
    const member = await t.factory.member(ten);
    const thumb = await t.app.inject({ method: 'GET', url: '/accounts/thumbnail', headers: acct(member) });
    assert.equal(thumb.statusCode, 200);
    assert.equal(thumb.headers['content-type'], 'image/webp');
    assert.equal(thumb.headers.etag, `"${res.body.thumbnail_file_id}"`);
    const meta = await sharp(thumb.rawPayload).metadata();
    assert.equal(meta.format, 'webp');
    assert.equal(meta.width, 400);
    const [h] = await historyOf(t, { accountId: ten.accountId, type: 'account_updated' });
    assert.equal(h?.data.after.thumbnail_file_id, res.body.thumbnail_file_id);
  });

  test('PUT /accounts bad input is 400 with the field named, and nothing changes', async () => {
    const ten = await t.factory.tenant('Keep Me');
    const historyBefore = await t.count('history_events');
    const cases: Array<[unknown, string]> = [
      [{ name: '' }, '/name'],
      [{ name: 'x'.repeat(201) }, '/name'],
      [{ defaultAvatar: 11 }, '/defaultAvatar'],
      [{ name: 'ok', extra: 1 }, '/extra'],
    ];
    for (const [json, pointer] of cases) {
      const res = await t.req('PUT', '/accounts', { headers: acct(ten), json });
      assert.equal(res.status, 400, JSON.stringify(json));
      assert.equal(res.body.error.code, 'validation_failed');
      assert.equal(res.body.error.fields[0].pointer, pointer);
    }
    const blank = await t.req('PUT', '/accounts', { headers: acct(ten), json: { name: '   ' } });
    assert.equal(blank.status, 400);
    assert.deepEqual(blank.body.error.fields, [{ in: 'body', pointer: '/name', message: 'must be 1 to 200 characters, not only spaces' }]);
    const badForm = form([{ name: 'body', value: JSON.stringify({ name: '' }) }]);
    const multi = await t.req('PUT', '/accounts', { headers: { ...acct(ten), ...badForm.headers }, payload: badForm.payload });
    assert.equal(multi.status, 400);
    assert.equal(multi.body.error.fields[0].pointer, '/name');
    const notImage = form([{ name: 'file', value: 'not an image', filename: 'a.png', contentType: 'image/png' }]);
    const bad = await t.req('PUT', '/accounts', { headers: { ...acct(ten), ...notImage.headers }, payload: notImage.payload });
    assert.equal(bad.status, 415);
    assert.equal(await t.count('history_events'), historyBefore);
    const after = await t.req('GET', '/accounts', { headers: acct(ten) });
    assert.equal(after.body[0].name, 'Keep Me');
    assert.equal(after.body[0].thumbnail_file_id, null);
  });

  test('PUT /accounts by a member is 403 and stores no thumbnail', async () => {
    const ten = await t.factory.tenant('Untouched');
    const member = await t.factory.member(ten);
    const res = await t.req('PUT', '/accounts', { headers: acct(member), json: { name: 'Hijack' } });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'permission_denied');
    const blobCount = async (): Promise<number> => {
      let n = 0;
      for await (const _ of t.deps.blobs.list()) {
        n++;
      }
      return n;
    };
    const blobsBefore = await blobCount();
    const f = form([{ name: 'file', value: await png(33, 17), filename: 'a.png', contentType: 'image/png' }]);
    const multi = await t.req('PUT', '/accounts', { headers: { ...acct(member), ...f.headers }, payload: f.payload });
    assert.equal(multi.status, 403);
    assert.equal(await blobCount(), blobsBefore);
    assert.equal((await t.req('GET', '/accounts', { headers: acct(ten) })).body[0].name, 'Untouched');
  });

  test('DELETE /accounts: owners only; the account and its rows go, history stays', async () => {
    const ten = await t.factory.tenant('Doomed');
    const admin = await t.factory.member(ten, { account: 'admin' });
    const member = await t.factory.member(ten);
    for (const who of [admin, member]) {
      const res = await t.req('DELETE', '/accounts', { headers: acct(who) });
      assert.equal(res.status, 403);
    }
    const historyBefore = await t.deps.db.selectFrom('history_events').select('id').where('account_id', '=', ten.accountId).execute();
    assert.ok(historyBefore.length > 0);
    const res = await t.req('DELETE', '/accounts', { headers: acct(ten) });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: true });
    const db = t.deps.db;
    assert.equal(await db.selectFrom('accounts').select('id').where('id', '=', ten.accountId).executeTakeFirst(), undefined);
    assert.deepEqual(await db.selectFrom('account_members').select('id').where('account_id', '=', ten.accountId).execute(), []);
    assert.deepEqual(await db.selectFrom('workspaces').select('id').where('account_id', '=', ten.accountId).execute(), []);
    assert.deepEqual(await db.selectFrom('workspace_members').select('id').where('workspace_id', '=', ten.workspaceId).execute(), []);
    assert.deepEqual(await db.selectFrom('api_keys').select('id').where('account_id', '=', ten.accountId).execute(), []);
    const historyAfter = await db.selectFrom('history_events').selectAll().where('account_id', '=', ten.accountId).orderBy('sequence').execute();
    assert.equal(historyAfter.length, historyBefore.length + 1);
    const last = historyAfter[historyAfter.length - 1];
    assert.equal(last?.type, 'account_deleted');
    assert.equal(last?.user_id, ten.userId);
    assert.equal(JSON.parse(last?.data ?? '{}').before.name, 'Doomed');
    // Users outlive the account; their tokens stop working (the key is gone).
    assert.ok(await db.selectFrom('users').select('id').where('id', '=', member.userId).executeTakeFirst());
    assert.equal((await t.req('GET', '/accounts', { headers: acct(ten) })).status, 401);
  });
});
