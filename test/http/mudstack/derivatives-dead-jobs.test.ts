import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { makeImage } from '../../media/fixtures.js';
import { derivativeUrl, getVersion, upload } from './derivatives-fixtures.js';

// Issue #13: a derivative job whose worker died on its last attempt went dead without the handler's failure path,
// leaving its derivative `pending` forever (`derivative_not_ready` with no error, no event).
describeEachDatabase('media pipeline: dead derivative jobs settle their derivative', (t) => {
  let ten: Tenant;
  before(async () => {
    ten = await t.factory.tenant();
  });

  test('a worker that died on the last attempt: the derivative is failed with the last error, the event recorded', async () => {
    const ids = await upload(t, ten, await makeImage('jpeg', 64, 48), 'still.jpg');
    // Run the probe and the preview; leave the thumbnail job as a worker that died during its last attempt left it.
    const thumb = (await t.jobs.list('derivative.thumbnail')).find((j) => j.payload.includes(ids.versionId));
    assert.ok(thumb);
    const past = new Date(t.clock.now().getTime() - 60_000).toISOString();
    await t.deps.db
      .updateTable('jobs')
      .set({ state: 'running', attempts: thumb.max_attempts, locked_by: 'a-dead-worker', locked_until: past})
      .where('id', '=', thumb.id)
      .execute();
    const reports = await t.jobs.runUntilIdle({ allowFailures: true });
    assert.deepEqual(reports.filter((r) => r.id === thumb.id).map((r) => r.outcome), ['dead']);
    const row = await t.deps.db.selectFrom('jobs').select(['state', 'attempts']).where('id', '=', thumb.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { state: 'dead', attempts: thumb.max_attempts });

    const v = await getVersion(t, ten, ids);
    const d = v.derivatives.find((x) => x.kind === 'thumbnail');
    assert.equal(d?.state, 'failed');
    assert.match(String(d?.error), /^Gave up: lease expired: worker a-dead-worker stopped before finishing attempt 3$/);
    const res = await t.req('GET', derivativeUrl(ids, 'thumbnail'), { headers: ten.headers });
    assert.equal(res.status, 404);
    assert.match(res.body.error.message, /state: failed/);
    // No derivative is pending any more, so the version's derivatives_ready event was recorded.
    const events = await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', ids.versionId).where('type', '=', 'derivatives_ready').execute();
    assert.equal(events.length, 1);
  });
});
