import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';

const KEYS = ['active', 'created_at', 'created_by_user_id', 'description', 'event_types', 'id', 'secret', 'sequence', 'updated_at', 'url', 'workspace_id'];

describeEachDatabase('webhooks: endpoints (CRUD, validation, permissions)', (t) => {
  test('POST creates (201, secret in full once), GET lists and reads it masked, PATCH/PUT change it, DELETE removes it; history', async () => {
    const ten = await t.factory.tenant();
    const res = await t.req('POST', '/workspaces/webhooks', {
      headers: ten.headers,
      json: { url: 'http://127.0.0.1:9/hook', event_types: ['asset_created', 'version_created', 'asset_created'], description: ' Build bot ' },
    });
    assert.equal(res.status, 201, res.text);
    const w = res.body;
    assert.deepEqual(Object.keys(w).sort(), KEYS);
    assert.match(w.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.equal(Buffer.from(w.secret.slice(6), 'base64').length, 24);
    assert.deepEqual(
      { ...w, id: undefined, sequence: undefined, created_at: undefined, updated_at: undefined, secret: undefined },
      {
        id: undefined, sequence: undefined, created_at: undefined, updated_at: undefined, secret: undefined,
        workspace_id: ten.workspaceId, url: 'http://127.0.0.1:9/hook', event_types: ['asset_created', 'version_created'],
        active: true, description: 'Build bot', created_by_user_id: ten.userId,
      },
    );
    assert.equal(w.created_at, w.updated_at);
    const masked = `whsec_****${w.secret.slice(-4)}`;

    const list = await t.req('GET', '/workspaces/webhooks', { headers: ten.headers });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body, [{ ...w, secret: masked }]);
    const one = await t.req('GET', `/workspaces/webhooks/${w.id}`, { headers: ten.headers });
    assert.deepEqual(one.body, { ...w, secret: masked });

    t.clock.advance(5);
    const patched = await t.req('PATCH', `/workspaces/webhooks/${w.id}`, { headers: ten.headers, json: { active: false, event_types: ['*'] } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.active, false);
    assert.deepEqual(patched.body.event_types, ['*']);
    assert.equal(patched.body.url, w.url);
    assert.equal(patched.body.secret, masked);
    assert.notEqual(patched.body.updated_at, w.updated_at);

    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const put = await t.req('PUT', `/workspaces/webhooks/${w.id}`, {
      headers: ten.headers,
      json: { url: 'https://127.0.0.1:8443/x', event_types: ['derivatives_ready'], secret, description: null, active: true },
    });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual([put.body.url, put.body.event_types, put.body.description, put.body.active], ['https://127.0.0.1:8443/x', ['derivatives_ready'], null, true]);
    assert.equal(put.body.secret, `whsec_****${secret.slice(-4)}`);
    const stored = await t.deps.db.selectFrom('webhooks').select('secret').where('id', '=', w.id).executeTakeFirstOrThrow();
    assert.equal(stored.secret, secret, 'a given secret is stored as given (it signs)');

    const del = await t.req('DELETE', `/workspaces/webhooks/${w.id}`, { headers: ten.headers });
    assert.deepEqual([del.status, del.body], [200, { ok: true }]);
    assert.equal((await t.req('GET', `/workspaces/webhooks/${w.id}`, { headers: ten.headers })).status, 404);
    const h = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('record_id', '=', w.id).orderBy('sequence').execute();
    assert.deepEqual(h.map((e) => e.type), ['webhook_created', 'webhook_updated', 'webhook_updated', 'webhook_deleted']);
    assert.ok(h.every((e) => !e.data.includes('whsec_')), 'history never holds the secret');
  });

  test('bad input is 400 with fields and writes nothing', async () => {
    const ten = await t.factory.tenant();
    const before = [await t.count('webhooks'), await t.count('history_events')];
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: 'ftp://example.com/x', event_types: ['*'] }, '/url'],
      [{ url: 'not a url', event_types: ['*'] }, '/url'],
      [{ url: 'http://user:pw@127.0.0.1/x', event_types: ['*'] }, '/url'],
      [{ url: 'http://127.0.0.1/x', event_types: [] }, '/event_types'],
      [{ url: 'http://127.0.0.1/x', event_types: ['Asset Created'] }, '/event_types'],
      [{ url: 'http://127.0.0.1/x', event_types: ['*'], secret: 'hunter2' }, '/secret'],
      [{ url: 'http://127.0.0.1/x', event_types: ['*'], secret: `whsec_${Buffer.alloc(8).toString('base64')}` }, '/secret'],
      [{ event_types: ['*'] }, '/url'],
      [{ url: 'http://127.0.0.1/x', event_types: ['*'], colour: 'red' }, ''],
    ];
    for (const [json, pointer] of cases) {
      const res = await t.req('POST', '/workspaces/webhooks', { headers: ten.headers, json });
      assert.equal(res.status, 400, `${JSON.stringify(json)}: ${res.text}`);
      if (pointer) {
        assert.ok(res.body.error.fields.some((f: { pointer: string }) => f.pointer === pointer), `${JSON.stringify(json)}: ${res.text}`);
      }
    }
    const w = (await t.req('POST', '/workspaces/webhooks', { headers: ten.headers, json: { url: 'http://127.0.0.1/x', event_types: ['*'] } })).body;
    const bad = await t.req('PATCH', `/workspaces/webhooks/${w.id}`, { headers: ten.headers, json: { url: 'gopher://x' } });
    assert.equal(bad.status, 400);
    assert.equal((await t.req('GET', `/workspaces/webhooks/${w.id}`, { headers: ten.headers })).body.url, 'http://127.0.0.1/x');
    assert.deepEqual([await t.count('webhooks'), await t.count('history_events')], [before[0]! + 1, before[1]! + 1]);
  });

  test('another tenant\'s webhooks are 404; editors are 403; no token is 401; nothing written', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const theirs = (await t.req('POST', '/workspaces/webhooks', { headers: other.headers, json: { url: 'http://127.0.0.1/x', event_types: ['*'] } })).body;
    const d = await t.deps.db.insertInto('webhook_deliveries').values({
      id: crypto.randomUUID(), webhook_id: theirs.id, workspace_id: other.workspaceId, event_id: crypto.randomUUID(), event_type: 'ping',
      payload: '{}', state: 'succeeded', attempts: 1, response_status: 200, response_body: 'ok', error: null, duration_ms: 1,
      created_at: new Date().toISOString(), delivered_at: null, next_attempt_at: null,
    }).returning('id').executeTakeFirstOrThrow();
    const before = [await t.count('webhooks'), await t.count('webhook_deliveries'), await t.count('history_events')];
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/workspaces/webhooks/${theirs.id}`],
      ['PATCH', `/workspaces/webhooks/${theirs.id}`, { active: false }],
      ['PUT', `/workspaces/webhooks/${theirs.id}`, { url: 'http://127.0.0.1/y', event_types: ['*'] }],
      ['DELETE', `/workspaces/webhooks/${theirs.id}`],
      ['GET', `/workspaces/webhooks/${theirs.id}/deliveries`],
      ['POST', `/workspaces/webhooks/${theirs.id}/test`],
      ['POST', `/workspaces/webhooks/${theirs.id}/deliveries/${d.id}/redeliver`],
    ];
    for (const [method, url, json] of calls) {
      const res = await t.req(method as 'GET', url, { headers: ten.headers, ...(json ? { json } : {}) });
      assert.equal(res.status, 404, `${method} ${url}: ${res.text}`);
      assert.equal(res.body.error.code, 'webhook_not_found');
    }
    const mine = (await t.req('POST', '/workspaces/webhooks', { headers: ten.headers, json: { url: 'http://127.0.0.1/x', event_types: ['*'] } })).body;
    const foreignDelivery = await t.req('POST', `/workspaces/webhooks/${mine.id}/deliveries/${d.id}/redeliver`, { headers: ten.headers });
    assert.equal(foreignDelivery.status, 404);
    assert.equal(foreignDelivery.body.error.code, 'webhook_delivery_not_found');
    const after = [await t.count('webhooks'), await t.count('webhook_deliveries'), await t.count('history_events')];
    assert.deepEqual(after, [before[0]! + 1, before[1], before[2]! + 1]);

    for (const [method, url, json] of [...calls, ['GET', '/workspaces/webhooks'], ['POST', '/workspaces/webhooks', { url: 'http://127.0.0.1/x', event_types: ['*'] }]] as Array<[string, string, unknown?]>) {
      const own = url.replace(theirs.id, mine.id);
      const res = await t.req(method as 'GET', own, { headers: editor.headers, ...(json ? { json } : {}) });
      assert.equal(res.status, 403, `${method} ${own}`);
      const noAuth = await t.req(method as 'GET', own, { headers: { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId }, ...(json ? { json } : {}) });
      assert.equal(noAuth.status, 401, `${method} ${own}`);
    }
    assert.deepEqual([await t.count('webhooks'), await t.count('webhook_deliveries'), await t.count('history_events')], after);
  });
}, { WEBHOOK_ALLOW_PRIVATE: 'true' });

describeEachDatabase('webhooks: private addresses refused (WEBHOOK_ALLOW_PRIVATE off)', (t) => {
  test('loopback, private and link-local URLs are 400 on create and update; nothing written', async () => {
    const ten = await t.factory.tenant();
    const before = await t.count('webhooks');
    for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://10.1.2.3/x', 'http://192.168.1.1/x', 'http://169.254.169.254/latest', 'http://[::1]/x']) {
      const res = await t.req('POST', '/workspaces/webhooks', { headers: ten.headers, json: { url, event_types: ['*'] } });
      assert.equal(res.status, 400, `${url}: ${res.text}`);
      assert.deepEqual(res.body.error.fields.map((f: { pointer: string }) => f.pointer), ['/url']);
      assert.match(res.body.error.fields[0].message, /private, loopback or link-local/);
    }
    assert.equal(await t.count('webhooks'), before);
    // A public address (an IP literal: no DNS needed) is accepted; moving it to loopback later is refused too.
    const ok = await t.req('POST', '/workspaces/webhooks', { headers: ten.headers, json: { url: 'http://93.184.216.34/hook', event_types: ['*'] } });
    assert.equal(ok.status, 201, ok.text);
    const moved = await t.req('PATCH', `/workspaces/webhooks/${ok.body.id}`, { headers: ten.headers, json: { url: 'http://127.0.0.1/hook' } });
    assert.equal(moved.status, 400);
    assert.equal((await t.req('GET', `/workspaces/webhooks/${ok.body.id}`, { headers: ten.headers })).body.url, 'http://93.184.216.34/hook');
  });
});
