import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { enqueueJob } from '../../../src/jobs/queue.js';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { makeAudio, makeVideo } from '../../media/fixtures.js';
import { assertMlErrors, token } from './fixtures.js';
import { uploadTo } from './media-fixtures.js';

const MINUTE = 60_000;

describeEachDatabase('medialoopster scheduled deletion (date_del, assets.delete_scheduled)', (t) => {
  let owner: Tenant;

  const at = (offsetMs: number) => new Date(t.clock.now().getTime() + offsetMs).toISOString();
  const schedule = async (kind: 'video' | 'audio', id: number, dateDel: string | null) => {
    const res = await t.req('PATCH', `/api/${kind}assets/${id}/`, { headers: token(owner), json: { date_del: dateDel } });
    assert.equal(res.status, 200, res.text);
  };
  /** Runs the sweep as its schedule would (the job the worker enqueues every period). */
  const sweep = async () => {
    await enqueueJob(t.deps, 'assets.delete_scheduled', { batchSize: 2 });
    await t.jobs.runUntilIdle();
  };
  const trashIds = async () => (await t.req('GET', '/workspaces/trash', { headers: owner.headers })).body.map((a: { id: string }) => a.id);

  before(async () => {
    owner = await t.factory.tenant();
  });

  test('the sweep is scheduled every 5 minutes', () => {
    assert.deepEqual(t.deps.jobs.registry.schedules().find((s) => s.name === 'assets.delete_scheduled'), {
      name: 'assets.delete_scheduled', everySeconds: 300, payload: { batchSize: 200 },
    });
  });

  test('a passed date_del moves the asset to the trash (restorable, history); a future one waits; null cancels', async () => {
    const video = await uploadTo(t, owner, await makeVideo({ seconds: 1, size: '320x240' }), '/footage/', 'doomed.mp4');
    const later = await uploadTo(t, owner, await makeAudio(1), '/sound/', 'later.wav');
    const cancelled = await uploadTo(t, owner, await makeAudio(1), '/sound/', 'cancelled.wav');
    const plain = await uploadTo(t, owner, await makeAudio(1), '/sound/', 'plain.wav');
    const past = [await uploadTo(t, owner, await makeAudio(1), '/sound/', 'p1.wav'), await uploadTo(t, owner, await makeAudio(1), '/sound/', 'p2.wav')];
    await t.jobs.runUntilIdle();

    const videoDate = at(-MINUTE);
    await schedule('video', video.id, videoDate);
    for (const p of past) {
      await schedule('audio', p.id, at(-2 * MINUTE));
    }
    await schedule('audio', later.id, at(10 * MINUTE));
    await schedule('audio', cancelled.id, at(-MINUTE));
    await schedule('audio', cancelled.id, null);

    await sweep();
    // Three due assets with batches of two: all of them, in one run.
    assertMlErrors(await t.req('GET', `/api/videoassets/${video.id}/`, { headers: token(owner) }), 404, 'not_found');
    for (const p of past) {
      assertMlErrors(await t.req('GET', `/api/audioassets/${p.id}/`, { headers: token(owner) }), 404, 'not_found');
    }
    for (const kept of [later, cancelled, plain]) {
      assert.equal((await t.req('GET', `/api/audioassets/${kept.id}/`, { headers: token(owner) })).status, 200);
    }
    const trash = await trashIds();
    assert.deepEqual([...trash].sort(), [video.uuid, ...past.map((p) => p.uuid)].sort());

    // A normal trash: history asset_deleted by no user, with the reason, and restorable.
    const hist = await t.deps.db.selectFrom('history_events').select(['type', 'user_id', 'data']).where('asset_id', '=', video.uuid).where('type', '=', 'asset_deleted').execute();
    assert.equal(hist.length, 1);
    assert.equal(hist[0]!.user_id, null);
    assert.deepEqual(JSON.parse(hist[0]!.data), { name: 'doomed.mp4', file_location: '/footage/', file_name: 'doomed.mp4', reason: 'scheduled', date_del: videoDate });
    const restored = await t.req('PATCH', `/workspaces/assets/${video.uuid}/restore`, { headers: owner.headers });
    assert.equal(restored.status, 200, restored.text);
    const back = await t.req('GET', `/api/videoassets/${video.id}/`, { headers: token(owner) });
    assert.equal(back.status, 200, back.text);
    // The sweep cleared the schedule, so the restored asset stays.
    assert.equal(back.body.date_del, null);
    await sweep();
    assert.equal((await t.req('GET', `/api/videoassets/${video.id}/`, { headers: token(owner) })).status, 200);

    // Once its time has come, the future one goes too; the cancelled and unscheduled ones never do.
    t.clock.advance(11 * 60);
    await sweep();
    assertMlErrors(await t.req('GET', `/api/audioassets/${later.id}/`, { headers: token(owner) }), 404, 'not_found');
    assert.equal((await t.req('GET', `/api/audioassets/${cancelled.id}/`, { headers: token(owner) })).status, 200);
    assert.equal((await t.req('GET', `/api/audioassets/${plain.id}/`, { headers: token(owner) })).status, 200);
    assert.ok((await trashIds()).includes(later.uuid));
  });

  test('a locked asset waits until it is unlocked', async () => {
    const held = await uploadTo(t, owner, await makeAudio(1), '/sound/', 'held.wav');
    await t.jobs.runUntilIdle();
    assert.equal((await t.req('POST', `/workspaces/assets/${held.uuid}/lock`, { headers: owner.headers })).status, 200);
    await schedule('audio', held.id, at(-MINUTE));
    await sweep();
    assert.equal((await t.req('GET', `/api/audioassets/${held.id}/`, { headers: token(owner) })).status, 200);
    assert.equal((await t.req('DELETE', `/workspaces/assets/${held.uuid}/lock`, { headers: owner.headers })).status, 200);
    await sweep();
    assertMlErrors(await t.req('GET', `/api/audioassets/${held.id}/`, { headers: token(owner) }), 404, 'not_found');
  });
});
