import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { eventsDispatchJob } from '../../../src/domain/events/events-dispatch.job.js';
import { processingTaskJob } from '../../../src/domain/processing/processing-task.job.js';
import { webhookDeliverJob } from '../../../src/domain/webhooks/webhook-deliver.job.js';
import { describeEachDatabase } from '../../harness/app.js';
import { HttpSink } from '../../harness/http-sink.js';
import { longVideo, videoUri, xKey } from './fixtures.js';

describeEachDatabase('vionlabs: done and failed tasks are signed webhook deliveries', (t) => {
  const sink = new HttpSink();
  before(() => sink.start());
  after(() => sink.stop());

  test('processing_task_done and processing_task_failed reach a subscribed endpoint, signed', async () => {
    const a = await t.factory.tenant();
    const hook = await t.req('POST', '/workspaces/webhooks', {
      headers: a.headers,
      json: { url: `${sink.url}/vl`, event_types: ['processing_task_done', 'processing_task_failed'] },
    });
    assert.equal(hook.status, 201, hook.text);
    const put = (json: unknown) => t.req('PUT', '/vionlabs/catalog/v1/item', { headers: xKey(a), json });
    assert.equal((await put({ id: 'ok', type: 'standalone', title: 'Has video', video_uri: await videoUri(t, a, await longVideo(2), 'v.mp4') })).status, 200);
    assert.equal((await put({ id: 'bare', type: 'standalone', title: 'No video' })).status, 200);
    assert.equal((await t.req('POST', '/vionlabs/tasks/catalog-item/ok/product/markers/version/1.0.0', { headers: xKey(a) })).status, 200);
    assert.equal((await t.req('POST', '/vionlabs/tasks/catalog-item/bare/product/markers/version/1.0.0', { headers: xKey(a) })).status, 200);
    await t.jobs.runUntilIdle({ deps: t.jobs.withDefinitions([processingTaskJob, eventsDispatchJob, webhookDeliverJob]) });
    const reqs = sink.requests.filter((r) => r.path === '/vl');
    assert.equal(reqs.length, 2, JSON.stringify(reqs.map((r) => r.body)));
    const key = Buffer.from(hook.body.secret.replace(/^whsec_/, ''), 'base64');
    const bodies = reqs.map((r) => {
      const expected = createHmac('sha256', key).update(`${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`).digest('base64');
      assert.ok(String(r.headers['webhook-signature']).split(' ').includes(`v1,${expected}`), 'signed with the endpoint secret');
      return JSON.parse(r.body) as { type: string; data: Record<string, unknown> };
    });
    const done = bodies.find((b) => b.type === 'processing_task_done');
    const failed = bodies.find((b) => b.type === 'processing_task_failed');
    assert.deepEqual([done?.data.item_id, done?.data.product, done?.data.version, done?.data.status], ['ok', 'markers', '1.0.0', 'done']);
    assert.equal(failed?.data.item_id, 'bare');
    assert.match(String(failed?.data.error), /asset not found/);
  });
}, { WEBHOOK_ALLOW_PRIVATE: 'true' });
