import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { webhooksPruneJob } from '../../../src/domain/webhooks/webhooks-prune.job.js';
import { enqueue } from '../../../src/jobs/queue.js';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { HttpSink, type SinkRequest } from '../../harness/http-sink.js';
import { png } from './accounts-fixtures.js';
import { uploadMultipart } from './assets-fixtures.js';

/** Verifies a request exactly as a Standard Webhooks receiver does; returns the parsed body. */
function verify(req: SinkRequest, secret: string): { type: string; timestamp: string; data: Record<string, unknown> } {
  const id = String(req.headers['webhook-id']);
  const ts = String(req.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${req.body}`).digest('base64');
  const given = String(req.headers['webhook-signature']).split(' ').map((s) => s.split(',', 2));
  assert.ok(given.some(([v, sig]) => v === 'v1' && sig === expected), `signature ${req.headers['webhook-signature']} != v1,${expected}`);
  return JSON.parse(req.body);
}

const deliveries = async (t: TestApp, ten: Tenant, id: string) => {
  const res = await t.req('GET', `/workspaces/webhooks/${id}/deliveries`, { headers: ten.headers });
  assert.equal(res.status, 200, res.text);
  return res.body as Array<Record<string, any>>;
};

describeEachDatabase('webhooks: deliveries (signed, retried, logged)', (t) => {
  const sink = new HttpSink();
  before(() => sink.start());
  after(() => sink.stop());

  const hook = async (ten: Tenant, eventTypes: string[], path = '/hook') => {
    const res = await t.req('POST', '/workspaces/webhooks', { headers: ten.headers, json: { url: `${sink.url}${path}`, event_types: eventTypes } });
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; secret: string };
  };
  const received = (path: string) => sink.requests.filter((r) => r.path === path);

  test('an upload is delivered as asset_created and version_created: headers, exact signature, body; log shows success', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const w = await hook(ten, ['asset_created', 'version_created'], '/upload');
    await hook(other, ['*'], '/other');
    const up = await uploadMultipart(t, ten, { name: 'hero.txt', data: Buffer.from('hero bytes') });
    assert.equal(up.status, 201, up.text);
    await t.jobs.runUntilIdle();
    const reqs = received('/upload');
    assert.equal(reqs.length, 2);
    assert.equal(received('/other').length, 0, 'another workspace\'s endpoint hears nothing');
    const bodies = reqs.map((r) => verify(r, w.secret));
    assert.deepEqual(bodies.map((b) => b.type).sort(), ['asset_created', 'version_created']);
    const events = await t.deps.db.selectFrom('history_events').selectAll().where('asset_id', '=', up.body.id).orderBy('sequence').execute();
    for (const req of reqs) {
      assert.equal(req.method, 'POST');
      assert.equal(req.headers['content-type'], 'application/json');
      const body = JSON.parse(req.body);
      const event = events.find((e) => e.id === req.headers['webhook-id']);
      assert.ok(event, 'webhook-id is the history event id');
      assert.equal(body.type, event.type);
      assert.equal(body.timestamp, event.created_at);
      assert.ok(Math.abs(Number(req.headers['webhook-timestamp']) - Date.now() / 1000) < 60);
      assert.deepEqual(body.data, {
        ...JSON.parse(event.data),
        event_id: event.id, account_id: ten.accountId, workspace_id: ten.workspaceId, asset_id: up.body.id,
        subject_type: event.subject_type, record_id: event.record_id, user_id: ten.userId,
      });
    }
    const version = bodies.find((b) => b.type === 'version_created');
    assert.equal(version?.data.version_id, up.body.current_version_id);
    const log = await deliveries(t, ten, w.id);
    assert.equal(log.length, 2);
    for (const d of log) {
      assert.deepEqual(
        [d.state, d.attempts, d.response_status, d.response_body, d.error, d.next_attempt_at, d.webhook_id],
        ['succeeded', 1, 200, 'ok', null, null, w.id],
      );
      assert.equal(typeof d.duration_ms, 'number');
      assert.ok(d.delivered_at);
      assert.equal(JSON.stringify(d.payload), reqs.find((r) => r.headers['webhook-id'] === d.event_id)?.body);
    }
    assert.ok(log[0]!.sequence > log[1]!.sequence, 'newest first');
    const page = await t.req('GET', `/workspaces/webhooks/${w.id}/deliveries`, { headers: ten.headers, query: { limit: '1' } });
    assert.deepEqual(page.body.map((d: { id: string }) => d.id), [log[0]!.id]);
    const next = await t.req('GET', `/workspaces/webhooks/${w.id}/deliveries`, { headers: ten.headers, query: { limit: '1', cursor: String(page.headers['x-next-cursor']) } });
    assert.deepEqual(next.body.map((d: { id: string }) => d.id), [log[1]!.id]);
    // Nothing is delivered twice: a later dispatch run finds no new work.
    await t.jobs.runUntilIdle();
    assert.equal(received('/upload').length, 2);
  });

  test('a failing endpoint (500, 500, then 200) is retried with backoff; the log shows each attempt', async () => {
    const ten = await t.factory.tenant();
    const w = await hook(ten, ['asset_created'], '/flaky');
    await uploadMultipart(t, ten, { name: 'a.txt', data: Buffer.from('a') });
    sink.respondWith(500, 500);
    await t.jobs.runUntilIdle({ allowFailures: true });
    let [d] = await deliveries(t, ten, w.id);
    assert.deepEqual([d?.state, d?.attempts, d?.response_status, d?.error], ['failed', 1, 500, 'The endpoint answered 500.']);
    assert.equal(d?.response_body.length, 2048, 'response body truncated to 2 KB');
    const firstAt = Date.parse(d?.next_attempt_at);
    assert.ok(Math.abs(firstAt - (t.clock.now().getTime() + 30_000)) < 5000, 'next attempt 30 s later');
    await t.jobs.runUntilIdle({ allowFailures: true });
    assert.equal(received('/flaky').length, 1, 'not retried before the backoff');
    t.clock.advance(31);
    await t.jobs.runUntilIdle({ allowFailures: true });
    [d] = await deliveries(t, ten, w.id);
    assert.deepEqual([d?.state, d?.attempts], ['failed', 2]);
    assert.ok(Math.abs(Date.parse(d?.next_attempt_at) - (t.clock.now().getTime() + 60_000)) < 5000, 'then 60 s');
    t.clock.advance(61);
    await t.jobs.runUntilIdle();
    [d] = await deliveries(t, ten, w.id);
    assert.deepEqual([d?.state, d?.attempts, d?.response_status, d?.error, d?.next_attempt_at], ['succeeded', 3, 200, null, null]);
    const reqs = received('/flaky');
    assert.equal(reqs.length, 3);
    assert.equal(new Set(reqs.map((r) => r.headers['webhook-id'])).size, 1, 'webhook-id is stable across retries');
    assert.equal(new Set(reqs.map((r) => r.body)).size, 1);
    for (const r of reqs) {
      verify(r, w.secret);
    }
  });

  test('after 8 failed attempts the delivery is dead; redeliver sends the same message again as a new delivery', async () => {
    let ten = await t.factory.tenant();
    const w = await hook(ten, ['asset_created'], '/down');
    await uploadMultipart(t, ten, { name: 'b.txt', data: Buffer.from('b') });
    sink.respondWith(...Array(8).fill(503));
    for (let i = 0; i < 8; i++) {
      await t.jobs.runUntilIdle({ allowFailures: true });
      t.clock.advance(6 * 3600 + 1);
    }
    // Hours have passed: a fresh token.
    const token = await t.factory.token(ten.key, ten.secret, ten.accountId);
    ten = { ...ten, headers: { ...ten.headers, authorization: `Bearer ${token}` } };
    const [d] = await deliveries(t, ten, w.id);
    assert.deepEqual([d?.state, d?.attempts, d?.response_status, d?.next_attempt_at], ['dead', 8, 503, null]);
    assert.equal(received('/down').length, 8);
    const [job] = await t.deps.db.selectFrom('jobs').select(['state', 'attempts']).where('name', '=', 'webhook.deliver').where('payload', 'like', `%${d?.id}%`).execute();
    assert.deepEqual(job, { state: 'dead', attempts: 8 });

    const again = await t.req('POST', `/workspaces/webhooks/${w.id}/deliveries/${d?.id}/redeliver`, { headers: ten.headers });
    assert.equal(again.status, 202, again.text);
    assert.deepEqual([again.body.state, again.body.attempts, again.body.event_id, again.body.payload], ['pending', 0, d?.event_id, d?.payload]);
    assert.notEqual(again.body.id, d?.id);
    await t.jobs.runUntilIdle();
    const log = await deliveries(t, ten, w.id);
    assert.deepEqual(log.map((x) => [x.id, x.state]), [[again.body.id, 'succeeded'], [d?.id, 'dead']]);
    assert.equal(received('/down').at(-1)?.headers['webhook-id'], d?.event_id);
  });

  test('webhooks.prune deletes finished deliveries older than keepDays and keeps recent or unfinished ones', async () => {
    const ten = await t.factory.tenant();
    const w = await hook(ten, ['asset_created'], '/prune');
    for (const name of ['p1.txt', 'p2.txt', 'p3.txt']) {
      await uploadMultipart(t, ten, { name, data: Buffer.from(name) });
    }
    await t.jobs.runUntilIdle();
    const [newest, middle, oldest] = await deliveries(t, ten, w.id);
    assert.deepEqual([newest?.state, middle?.state, oldest?.state], ['succeeded', 'succeeded', 'succeeded']);
    // Two of them are 31 days old; one of those is still waiting for a retry.
    const old = new Date(t.clock.now().getTime() - 31 * 86400 * 1000).toISOString();
    await t.deps.db.updateTable('webhook_deliveries').set({ created_at: old }).where('id', 'in', [middle?.id, oldest?.id]).execute();
    await t.deps.db.updateTable('webhook_deliveries').set({ state: 'failed' }).where('id', '=', oldest?.id).execute();
    await enqueue(t.deps, webhooksPruneJob, { keepDays: 30 });
    await t.jobs.runUntilIdle();
    const left = await deliveries(t, ten, w.id);
    assert.deepEqual(left.map((d) => d.id), [newest?.id, oldest?.id]);
  });

  test('POST /test sends a signed ping; a disabled endpoint gets nothing (409 on test); a deleted one is not called', async () => {
    const ten = await t.factory.tenant();
    const w = await hook(ten, ['*'], '/ping');
    const ping = await t.req('POST', `/workspaces/webhooks/${w.id}/test`, { headers: ten.headers });
    assert.equal(ping.status, 202, ping.text);
    assert.deepEqual([ping.body.event_type, ping.body.state, ping.body.attempts], ['ping', 'pending', 0]);
    await t.jobs.runUntilIdle();
    const pings = received('/ping').filter((r) => JSON.parse(r.body).type === 'ping');
    assert.equal(pings.length, 1);
    const body = verify(pings[0]!, w.secret);
    assert.deepEqual(body.data, { event_id: ping.body.event_id, webhook_id: w.id, workspace_id: ten.workspaceId, user_id: ten.userId });
    assert.equal(pings[0]!.headers['webhook-id'], ping.body.event_id);

    await t.req('PATCH', `/workspaces/webhooks/${w.id}`, { headers: ten.headers, json: { active: false } });
    const count = received('/ping').length;
    await uploadMultipart(t, ten, { name: 'c.txt', data: Buffer.from('c') });
    await t.jobs.runUntilIdle();
    assert.equal(received('/ping').length, count, 'disabled: no deliveries');
    const refused = await t.req('POST', `/workspaces/webhooks/${w.id}/test`, { headers: ten.headers });
    assert.deepEqual([refused.status, refused.body.error.code], [409, 'webhook_inactive']);

    await t.req('PATCH', `/workspaces/webhooks/${w.id}`, { headers: ten.headers, json: { active: true } });
    await t.req('POST', `/workspaces/webhooks/${w.id}/test`, { headers: ten.headers });
    await t.req('DELETE', `/workspaces/webhooks/${w.id}`, { headers: ten.headers });
    await t.jobs.runUntilIdle();
    const calls = received('/ping').filter((r) => JSON.parse(r.body).type === 'ping');
    assert.equal(calls.length, 1, 'the ping queued before the delete was dropped with the endpoint');
    assert.equal(await t.deps.db.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', w.id).executeTakeFirst(), undefined);
  });

  test('derivatives_ready is delivered once the media jobs have made an upload\'s derivatives', async () => {
    const ten = await t.factory.tenant();
    const w = await hook(ten, ['derivatives_ready'], '/media');
    const up = await uploadMultipart(t, ten, { name: 'hero.png', data: await png(64, 32), type: 'image/png' });
    assert.equal(up.status, 201, up.text);
    await t.jobs.runUntilIdle();
    const reqs = received('/media');
    assert.equal(reqs.length, 1);
    const body = verify(reqs[0]!, w.secret);
    assert.equal(body.type, 'derivatives_ready');
    assert.equal(body.data.asset_id, up.body.id);
    assert.equal(body.data.version_id, up.body.current_version_id);
    assert.equal(body.data.user_id, null);
    assert.equal((body.data.states as Record<string, string>).thumbnail, 'ready');
  });
}, { WEBHOOK_ALLOW_PRIVATE: 'true' });
