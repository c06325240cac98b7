import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enqueueJob } from '../../../src/jobs/queue.js';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { longVideo, processingOnly, videoUri, xKey } from '../vionlabs/fixtures.js';

const KEYS = [
  'attempts', 'created_at', 'finished_at', 'id', 'last_error', 'max_attempts', 'name', 'payload', 'priority', 'processing_task', 'run_at', 'state', 'updated_at',
];
const task = (id: string, product: string, version = '1.0.1') => `/vionlabs/tasks/catalog-item/${id}/product/${product}/version/${version}`;

describeEachDatabase('core job views: GET /workspaces/jobs and /workspaces/jobs/{job_id}', (t) => {
  let a: Tenant;
  let b: Tenant;
  let uri: string;

  test('setup: a video in workspace A, a catalog item showing it', async () => {
    a = await t.factory.tenant();
    b = await t.factory.tenant();
    uri = await videoUri(t, a, await longVideo(3), 'film.mp4');
    const put = await t.req('PUT', '/vionlabs/catalog/v1/item', { headers: xKey(a), json: { id: 'film', type: 'standalone', title: 'Film', video_uri: uri } });
    assert.equal(put.status, 200, put.text);
  });

  test('a processing task shows as its job, with its state as it moves (available -> completed), and its task', async () => {
    const posted = await t.req('POST', task('film', 'markers'), { headers: xKey(a), json: { priority: 'high' } });
    assert.equal(posted.status, 200, posted.text);
    const dbTask = await t.deps.db.selectFrom('processing_tasks').selectAll().where('workspace_id', '=', a.workspaceId).executeTakeFirstOrThrow();

    const list = await t.req('GET', '/workspaces/jobs?name=processing.task', { headers: a.headers });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(Object.keys(list.body).sort(), ['jobs', 'next_cursor']);
    assert.equal(list.body.next_cursor, null);
    assert.equal(list.body.jobs.length, 1);
    const queued = list.body.jobs[0];
    assert.deepEqual(Object.keys(queued).sort(), KEYS);
    assert.equal(queued.id, dbTask.job_id);
    assert.deepEqual(
      [queued.name, queued.state, queued.attempts, queued.max_attempts, queued.priority, queued.finished_at, queued.last_error],
      ['processing.task', 'available', 0, 3, 40, null, null],
    );
    assert.deepEqual(queued.payload, { task_id: dbTask.id, workspace_id: a.workspaceId });
    assert.deepEqual(queued.processing_task, { id: dbTask.id, item_id: 'film', product: 'markers', version: '1.0.1' });
    assert.equal(queued.created_at, queued.run_at);

    const one = await t.req('GET', `/workspaces/jobs/${queued.id}`, { headers: a.headers });
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(one.body, queued);

    t.clock.advance(5);
    await t.jobs.runUntilIdle({ deps: processingOnly(t) });
    assert.equal((await t.req('GET', task('film', 'markers'), { headers: xKey(a) })).body.status, 'done');
    const done = (await t.req('GET', `/workspaces/jobs/${queued.id}`, { headers: a.headers })).body;
    assert.deepEqual([done.state, done.attempts, done.last_error], ['completed', 1, null]);
    assert.ok(done.finished_at !== null && done.finished_at > queued.created_at, `finished_at ${done.finished_at}`);
    assert.deepEqual(done.processing_task, queued.processing_task);

    const completed = await t.req('GET', '/workspaces/jobs?state=completed&name=processing.task', { headers: a.headers });
    assert.deepEqual(completed.body.jobs.map((j: any) => j.id), [queued.id]);
    const available = await t.req('GET', '/workspaces/jobs?state=available&name=processing.task', { headers: a.headers });
    assert.deepEqual(available.body.jobs, []);
  });

  test('a deactivated task\'s job shows cancelled', async () => {
    assert.equal((await t.req('POST', task('film', 'adbreaks'), { headers: xKey(a) })).status, 200);
    assert.equal((await t.req('DELETE', task('film', 'adbreaks'), { headers: xKey(a) })).status, 200);
    const jobs = (await t.req('GET', '/workspaces/jobs?name=processing.task&state=cancelled', { headers: a.headers })).body.jobs;
    assert.equal(jobs.length, 1);
    assert.deepEqual([jobs[0].state, jobs[0].priority, jobs[0].processing_task.product], ['cancelled', 110, 'adbreaks']);
    assert.notEqual(jobs[0].finished_at, null);
  });

  test('the upload\'s media jobs (probe, derivatives) are listed too, newest first, paged by cursor', async () => {
    const all = (await t.req('GET', '/workspaces/jobs?limit=500', { headers: a.headers })).body.jobs as any[];
    const names = new Set(all.map((j) => j.name));
    assert.ok(names.has('media.probe') && [...names].some((n) => n.startsWith('derivative.')), [...names].join(','));
    assert.ok(all.every((j) => j.payload?.workspace_id === a.workspaceId || j.payload?.workspaceId === a.workspaceId));
    const stored = await t.deps.db.selectFrom('jobs').select(['id', 'sequence']).where('workspace_id', '=', a.workspaceId).orderBy('sequence', 'desc').execute();
    assert.deepEqual(all.map((j) => j.id), stored.map((s) => s.id));

    const first = await t.req('GET', '/workspaces/jobs?limit=2', { headers: a.headers });
    assert.deepEqual(first.body.jobs.map((j: any) => j.id), stored.slice(0, 2).map((s) => s.id));
    assert.equal(first.body.next_cursor, stored[1]!.sequence);
    assert.equal(first.headers['x-next-cursor'], String(stored[1]!.sequence));
    const second = await t.req('GET', `/workspaces/jobs?limit=2&cursor=${first.body.next_cursor}`, { headers: a.headers });
    assert.deepEqual(second.body.jobs.map((j: any) => j.id), stored.slice(2, 4).map((s) => s.id));
    const last = await t.req('GET', `/workspaces/jobs?limit=500&cursor=${stored.at(-1)!.sequence}`, { headers: a.headers });
    assert.deepEqual([last.body.jobs, last.body.next_cursor], [[], null]);
  });

  test('another workspace\'s jobs and system jobs are neither listed nor readable (404)', async () => {
    const theirs = await t.deps.db.selectFrom('jobs').select('id').where('workspace_id', '=', a.workspaceId).executeTakeFirstOrThrow();
    const { job: system } = await enqueueJob(t.deps, 'jobs.prune', { keepFinishedDays: 7, keepDeadDays: 30 });
    assert.equal(system.workspace_id, null);
    const listB = await t.req('GET', '/workspaces/jobs?limit=500', { headers: b.headers });
    assert.equal(listB.status, 200);
    assert.deepEqual(listB.body, { jobs: [], next_cursor: null });
    for (const id of [theirs.id, system.id, crypto.randomUUID()]) {
      const res = await t.req('GET', `/workspaces/jobs/${id}`, { headers: b.headers });
      assert.equal(res.status, 404, res.text);
      assert.equal(res.body.error.code, 'job_not_found');
    }
    const listA = (await t.req('GET', '/workspaces/jobs?limit=500', { headers: a.headers })).body.jobs as any[];
    assert.ok(!listA.some((j) => j.id === system.id));
    assert.equal((await t.req('GET', `/workspaces/jobs/${system.id}`, { headers: a.headers })).status, 404);
  });

  test('workspace admins only: editors and viewers 403, no or a wrong token 401', async () => {
    const job = await t.deps.db.selectFrom('jobs').select('id').where('workspace_id', '=', a.workspaceId).executeTakeFirstOrThrow();
    const editor = await t.factory.member(a, { workspace: 'editor' });
    const viewer = await t.factory.member(a, { workspace: 'viewer' });
    const accountAdmin = await t.factory.member(a, { account: 'admin', workspace: null });
    for (const url of ['/workspaces/jobs', `/workspaces/jobs/${job.id}`]) {
      for (const who of [editor, viewer]) {
        const res = await t.req('GET', url, { headers: who.headers });
        assert.equal(res.status, 403, `${url}: ${res.text}`);
        assert.equal(res.body.error.code, 'permission_denied');
      }
      assert.equal((await t.req('GET', url, { headers: accountAdmin.headers })).status, 200, `${url}: account admins act as workspace admins`);
      const tenancy = { 'x-account-id': a.accountId, 'x-workspace-id': a.workspaceId };
      assert.equal((await t.req('GET', url, { headers: tenancy })).status, 401);
      const wrong = await t.req('GET', url, { headers: { ...tenancy, authorization: 'Bearer not-a-token' } });
      assert.equal(wrong.status, 401);
      assert.equal(typeof wrong.body.error.code, 'string');
    }
  });

  test('bad filters and ids are 400 in the core error shape', async () => {
    for (const qs of ['state=done', 'state=', 'name=BAD%20NAME', 'name=', 'limit=0', 'limit=501', 'cursor=abc', 'cursor=0', 'colour=red']) {
      const res = await t.req('GET', `/workspaces/jobs?${qs}`, { headers: a.headers });
      assert.equal(res.status, 400, `${qs}: ${res.text}`);
      assert.deepEqual(Object.keys(res.body).sort(), ['error', 'request_id']);
      assert.equal(typeof res.body.error.code, 'string');
    }
    const bad = await t.req('GET', '/workspaces/jobs/not-a-uuid', { headers: a.headers });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(typeof bad.body.error.code, 'string');
  });
});
