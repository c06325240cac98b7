import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trashPurgeExpiredJob } from '../../../src/domain/trash/trash-purge-expired.job.js';
import { enqueue } from '../../../src/jobs/queue.js';
import { describeEachDatabase } from '../../harness/app.js';
import { randomData } from './assets-fixtures.js';
import { uploadFile } from './downloads-fixtures.js';

const DAY = 86400;

describeEachDatabase('shared trash: retention (trash.purge_expired)', (t) => {
  const runPurge = async (): Promise<void> => {
    await enqueue(t.deps, trashPurgeExpiredJob, {});
    await t.jobs.runUntilIdle();
  };

  test('the job is scheduled hourly', () => {
    assert.deepEqual(t.deps.jobs.registry.schedules().find((s) => s.name === 'trash.purge_expired'), { name: 'trash.purge_expired', everySeconds: 3600, payload: {} });
  });

  test("purges trashed assets older than the account's trash_retention_days (default 30), with history", async () => {
    const short = await t.factory.tenant();
    const normal = await t.factory.tenant();
    const set = await t.req('PUT', '/accounts/settings/trash_retention_days', { headers: short.headers, json: { value: 2 } });
    assert.equal(set.status, 200, set.text);
    const a = await uploadFile(t, short, 'a.bin', randomData(5));
    const live = await uploadFile(t, short, 'live.bin', randomData(5));
    const b = await uploadFile(t, normal, 'b.bin', randomData(5));
    await t.req('DELETE', `/workspaces/assets/${a.id}`, { headers: short.headers });
    await t.req('DELETE', `/workspaces/assets/${b.id}`, { headers: normal.headers });
    const exists = async (id: string): Promise<boolean> => (await t.deps.db.selectFrom('assets').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

    t.clock.advance(1 * DAY);
    await runPurge();
    assert.deepEqual([await exists(a.id), await exists(b.id)], [true, true]);

    t.clock.advance(1.5 * DAY);
    await runPurge();
    assert.deepEqual([await exists(a.id), await exists(live.id), await exists(b.id)], [false, true, true]);
    const h = await t.deps.db.selectFrom('history_events').selectAll().where('asset_id', '=', a.id).where('type', '=', 'asset_purged').execute();
    assert.equal(h.length, 1);
    assert.equal(h[0]?.user_id, null);
    assert.equal(h[0]?.workspace_id, short.workspaceId);
    assert.deepEqual(JSON.parse(h[0]?.data ?? '{}'), { reason: 'retention', name: 'a.bin', file_location: '/', file_name: 'a.bin' });
    // The earlier history of the purged asset is kept.
    assert.ok((await t.deps.db.selectFrom('history_events').select('type').where('asset_id', '=', a.id).execute()).some((e) => e.type === 'asset_deleted'));

    t.clock.advance(28 * DAY);
    await runPurge();
    assert.equal(await exists(b.id), false);
    // Idempotent: nothing left to do is not an error.
    await runPurge();
  });
});
