import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { eventsDispatchJob } from '../../../src/domain/events/events-dispatch.job.js';
import { processingTaskJob } from '../../../src/domain/processing/processing-task.job.js';
import { uploadRaw } from '../mudstack/assets-fixtures.js';
import { keyOf, longVideo, processingOnly, videoUri, xKey } from './fixtures.js';

const task = (id: string, product: string, version = '1.0.1') => `/vionlabs/tasks/catalog-item/${id}/product/${product}/version/${version}`;

function assert422(res: { status: number; body: any; text: string }, loc: Array<string | number>): void {
  assert.equal(res.status, 422, res.text);
  assert.ok(Array.isArray(res.body.detail), res.text);
  for (const d of res.body.detail) {
    assert.deepEqual(Object.keys(d).sort(), ['loc', 'msg', 'type']);
    assert.equal(typeof d.msg, 'string');
  }
  assert.ok(res.body.detail.some((d: any) => JSON.stringify(d.loc) === JSON.stringify(loc)), `no detail at ${JSON.stringify(loc)}: ${res.text}`);
}

/** ffmpeg processes whose parent is this test process (the jobs' media tools), by pid. */
function ffmpegChildren(): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^[0-9]+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
      if (m && m[1] === 'ffmpeg' && Number(m[2]) === process.pid) {
        out.push(Number(pid));
      }
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describeEachDatabase('vionlabs: conventions, catalog and tasks', (t) => {
  let a: Tenant;
  let b: Tenant;
  let uri: string;

  test('setup', async () => {
    a = await t.factory.tenant();
    b = await t.factory.tenant();
  });

  test('auth: the key as ?key= or X-API-Key; missing 401, wrong 403, in FastAPI shape', async () => {
    const none = await t.req('GET', '/vionlabs/catalog/v1/item');
    assert.equal(none.status, 401, none.text);
    assert.deepEqual(none.body, { detail: 'Not authenticated' });
    for (const key of [`${a.key}.sk_wrongwrongwrong`, 'ak_nope.sk_nope', 'garbage']) {
      const res = await t.req('GET', `/vionlabs/catalog/v1/item?key=${encodeURIComponent(key)}`);
      assert.equal(res.status, 403, `${key}: ${res.text}`);
      assert.equal(typeof res.body.detail, 'string');
    }
    const byQuery = await t.req('GET', `/vionlabs/catalog/v1/item?key=${encodeURIComponent(keyOf(a))}`);
    assert.equal(byQuery.status, 200, byQuery.text);
    assert.deepEqual(byQuery.body, []);
    const byHeader = await t.req('GET', '/vionlabs/catalog/v1/item', { headers: xKey(a) });
    assert.equal(byHeader.status, 200, byHeader.text);
    const byToken = await t.req('GET', '/vionlabs/catalog/v1/item', { headers: { authorization: `Bearer ${a.token}` } });
    assert.equal(byToken.status, 200, byToken.text);
    // A revoked key stops working at once, though its token exchange is remembered.
    const other = await t.factory.member(a, { workspace: 'viewer' });
    assert.equal((await t.req('GET', '/vionlabs/catalog/v1/item', { headers: xKey(other) })).status, 200);
    await t.deps.db.updateTable('api_keys').set({ revoked_at: new Date().toISOString() }).where('id', '=', other.keyId).execute();
    assert.equal((await t.req('GET', '/vionlabs/catalog/v1/item', { headers: xKey(other) })).status, 403);
    const unknownRoute = await t.req('GET', '/vionlabs/nothing-here');
    assert.deepEqual([unknownRoute.status, unknownRoute.body], [404, { detail: 'Not Found' }]);
  });

  test('catalog: upsert (create, replace), list with paging and allow_deleted, get by type, delete with its episodes', async () => {
    uri = await videoUri(t, a, await longVideo(2), 'short.mp4');
    const put = (json: unknown, ten = a) => t.req('PUT', '/vionlabs/catalog/v1/item', { headers: xKey(ten), json });
    assert.equal((await put({ id: 'show', type: 'series', title: 'Show' })).status, 200);
    assert.equal((await put({ id: 'show-s1', type: 'season', title: 'Season 1', series_id: 'show', season_number: 1 })).status, 200);
    assert.equal((await put({ id: 'show-s1e1', type: 'episode', title: 'Pilot', season_id: 'show-s1', series_id: 'show', episode_number: 1, video_uri: uri })).status, 200);
    const created = await put({ id: 'film', type: 'standalone', title: 'Film', tags: ['de'], video_uri: uri });
    assert.deepEqual([created.status, created.text], [200, 'null']);
    const replaced = await put({ id: 'film', type: 'standalone', title: 'Film (restored)' });
    assert.equal(replaced.status, 200);
    const got = await t.req('GET', '/vionlabs/catalog/v1/item/standalone/film', { headers: xKey(a) });
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body.title, 'Film (restored)');
    assert.equal(got.body.tags, undefined, 'replace, not merge');
    assert.equal((await t.req('GET', '/vionlabs/catalog/v1/item/series/film', { headers: xKey(a) })).status, 404);
    const list = await t.req('GET', '/vionlabs/catalog/v1/item?page_num=0&page_size=2', { headers: xKey(a) });
    assert.deepEqual(list.body.map((i: any) => i.id), ['show', 'show-s1']);
    assert.deepEqual(Object.keys(list.body[0]).sort(), ['id', 'type', 'vionlabs_id']);
    const page2 = await t.req('GET', '/vionlabs/catalog/v1/item?page_num=1&page_size=2', { headers: xKey(a) });
    assert.deepEqual(page2.body.map((i: any) => i.id), ['show-s1e1', 'film']);
    // Another tenant: their own empty catalog; the same ids are theirs to use.
    assert.deepEqual((await t.req('GET', '/vionlabs/catalog/v1/item', { headers: xKey(b) })).body, []);
    assert.equal((await t.req('DELETE', '/vionlabs/catalog/v1/item/series/show', { headers: xKey(b) })).status, 404);
    // Deleting the series deletes its season and episode.
    const del = await t.req('DELETE', '/vionlabs/catalog/v1/item/series/show', { headers: xKey(a) });
    assert.deepEqual([del.status, del.text], [200, 'null']);
    assert.deepEqual((await t.req('GET', '/vionlabs/catalog/v1/item', { headers: xKey(a) })).body.map((i: any) => i.id), ['film']);
    const withDeleted = await t.req('GET', '/vionlabs/catalog/v1/item?allow_deleted=true', { headers: xKey(a) });
    assert.equal(withDeleted.body.length, 4);
    assert.equal((await t.req('GET', '/vionlabs/catalog/v1/item/episode/show-s1e1', { headers: xKey(a) })).status, 404);
    assert.equal((await t.req('GET', '/vionlabs/catalog/v1/item/episode/show-s1e1?allow_deleted=true', { headers: xKey(a) })).status, 200);
  });

  test('bad input: 422 with the right loc, nothing written', async () => {
    const before = await t.count('processing_items');
    const put = (json: unknown) => t.req('PUT', '/vionlabs/catalog/v1/item', { headers: xKey(a), json });
    assert422(await put({ id: 'x', type: 'movie', title: 'T' }), ['body', 'type']);
    assert422(await put({ type: 'standalone', title: 'T' }), ['body', 'id']);
    assert422(await put({ id: 'x', type: 'standalone', title: 'T', video_uri: 'https://example.com/x.mp4' }), ['body', 'video_uri']);
    assert422(await put({ id: 'x', type: 'standalone', title: 'T', video_uri: 's3://bucket/x.mp4' }), ['body', 'video_uri']);
    assert422(await put({ id: 'x', type: 'standalone', title: 'T', video_uri: 'atelier://assets/00000000-0000-4000-8000-000000000000' }), ['body', 'video_uri']);
    assert422(await put({ id: 'x', type: 'episode', title: 'T', series_id: 'nope' }), ['body', 'series_id']);
    assert422(await put({ id: 'x', type: 'standalone', title: 'T', virtual: true }), ['body', 'external_ids']);
    assert422(await t.req('GET', '/vionlabs/catalog/v1/item?page_size=0', { headers: xKey(a) }), ['query', 'page_size']);
    assert.equal(await t.count('processing_items'), before);
    const tasksBefore = await t.count('processing_tasks');
    assert422(await t.req('POST', task('film', 'nonsense'), { headers: xKey(a) }), ['path', 'product']);
    const notHere = await t.req('POST', task('film', 'emotions'), { headers: xKey(a) });
    assert422(notHere, ['path', 'product']);
    assert.match(notHere.body.detail[0].msg, /adbreaks/);
    assert422(await t.req('POST', task('film', 'adbreaks', 'latest'), { headers: xKey(a) }), ['path', 'version']);
    assert422(await t.req('POST', task('film', 'adbreaks'), { headers: xKey(a), json: { priority: 'urgent' } }), ['body', 'priority']);
    assert422(await t.req('GET', '/vionlabs/results/adbreaks/v2/filter/millisec/film?window=0', { headers: xKey(a) }), ['query', 'window']);
    assert.equal(await t.count('processing_tasks'), tasksBefore);
    const missing = await t.req('POST', task('no-such-item', 'adbreaks'), { headers: xKey(a) });
    assert.equal(missing.status, 404);
    assert.equal(typeof missing.body.detail, 'string');
    assert.equal((await t.req('GET', task('film', 'markers'), { headers: xKey(a) })).status, 404);
  });

  test('deactivate: a queued task is cancelled; a running one has its ffmpeg stopped', async () => {
    const put = (json: unknown) => t.req('PUT', '/vionlabs/catalog/v1/item', { headers: xKey(a), json });
    // Queued.
    const long = await videoUri(t, a, await longVideo(40), 'long.mp4');
    assert.equal((await put({ id: 'long', type: 'standalone', title: 'Long', video_uri: long })).status, 200);
    const queued = await t.req('POST', task('long', 'markers'), { headers: xKey(a) });
    assert.equal(queued.body.status, 'pending');
    const off = await t.req('DELETE', task('long', 'markers'), { headers: xKey(a) });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.body.status, 'deactivated');
    const row = await t.deps.db.selectFrom('processing_tasks').select('job_id').where('product', '=', 'markers').where('workspace_id', '=', a.workspaceId).executeTakeFirstOrThrow();
    assert.equal((await t.deps.db.selectFrom('jobs').select('state').where('id', '=', row.job_id!).executeTakeFirstOrThrow()).state, 'cancelled');

    // Running: a worker picks it up; once its ffmpeg runs, deactivate; the ffmpeg is gone within a few heartbeats.
    const started = await t.req('POST', task('long', 'adbreaks'), { headers: xKey(a) });
    assert.equal(started.body.status, 'pending');
    const worker = t.jobs.worker({ deps: processingOnly(t), leaseSeconds: 1.5 });
    worker.start();
    try {
      const deadline = Date.now() + 20_000;
      while (ffmpegChildren().length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(ffmpegChildren().length > 0, 'the task never started its ffmpeg');
      assert.equal((await t.req('GET', task('long', 'adbreaks'), { headers: xKey(a) })).body.status, 'processing');
      const stopped = await t.req('DELETE', task('long', 'adbreaks'), { headers: xKey(a) });
      assert.equal(stopped.body.status, 'deactivated');
      const gone = Date.now() + 5_000;
      while (ffmpegChildren().length > 0 && Date.now() < gone) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(ffmpegChildren(), [], 'ffmpeg still running after deactivate');
    } finally {
      await worker.stop(5000);
    }
    const after = await t.req('GET', task('long', 'adbreaks'), { headers: xKey(a) });
    assert.equal(after.body.status, 'deactivated');
    assert.equal(after.body._links.results, undefined);
    assert.equal((await t.req('GET', '/vionlabs/results/adbreaks/v3/filter/millisec/long', { headers: xKey(a) })).status, 404);
    // POST runs it again.
    assert.equal((await t.req('POST', task('long', 'adbreaks'), { headers: xKey(a) })).body.status, 'pending');
  });

  test('a new video re-runs the item\'s tasks', async () => {
    const put = (json: unknown) => t.req('PUT', '/vionlabs/catalog/v1/item', { headers: xKey(a), json });
    assert.equal((await put({ id: 'film', type: 'standalone', title: 'Film', video_uri: uri })).status, 200);
    assert.equal((await t.req('POST', task('film', 'markers'), { headers: xKey(a) })).status, 200);
    await t.jobs.runUntilIdle({ deps: processingOnly(t) });
    assert.equal((await t.req('GET', task('film', 'markers'), { headers: xKey(a) })).body.status, 'done');
    const other = await videoUri(t, a, await longVideo(3), 'other.mp4');
    assert.equal((await put({ id: 'film', type: 'standalone', title: 'Film', video_uri: other })).status, 200);
    assert.equal((await t.req('GET', task('film', 'markers'), { headers: xKey(a) })).body.status, 'pending');
  });

  test('a new version uploaded to the item\'s asset re-runs its done tasks (through the event outbox)', async () => {
    const put = (json: unknown) => t.req('PUT', '/vionlabs/catalog/v1/item', { headers: xKey(a), json });
    const assetUri = await videoUri(t, a, await longVideo(2), 'versioned.mp4');
    assert.equal((await put({ id: 'versioned', type: 'standalone', title: 'Versioned', video_uri: assetUri })).status, 200);
    assert.equal((await t.req('POST', task('versioned', 'markers'), { headers: xKey(a) })).status, 200);
    const deps = t.jobs.withDefinitions([processingTaskJob, eventsDispatchJob]);
    await t.jobs.runUntilIdle({ deps });
    assert.equal((await t.req('GET', task('versioned', 'markers'), { headers: xKey(a) })).body.status, 'done');
    const assetId = assetUri.split('/').pop()!;
    const v2 = await uploadRaw(t, a, await longVideo(3), { file_name: 'versioned.mp4', asset_id: assetId });
    assert.equal(v2.status, 201, v2.text);
    // The outbox sees version_created and queues the task again; the worker runs it on the new version.
    const reports = await t.jobs.runUntilIdle({ deps });
    assert.ok(reports.some((r) => r.name === 'processing.task'), 'the task ran again');
    const row = await t.deps.db.selectFrom('processing_tasks').select(['status', 'source_version_id']).where('workspace_id', '=', a.workspaceId).where('product', '=', 'markers').where('item_id', 'in', t.deps.db.selectFrom('processing_items').select('id').where('item_key', '=', 'versioned')).executeTakeFirstOrThrow();
    assert.equal(row.status, 'done');
    const current = await t.deps.db.selectFrom('assets').select('current_version_id').where('id', '=', assetId).executeTakeFirstOrThrow();
    assert.equal(row.source_version_id, current.current_version_id);
  });

  test('failures name their reason: undecodable file, unsupported length', async () => {
    const put = (json: unknown) => t.req('PUT', '/vionlabs/catalog/v1/item', { headers: xKey(a), json });
    const junk = await videoUri(t, a, Buffer.from('this is not a video at all, just text pretending'), 'junk.mp4');
    const tiny = await videoUri(t, a, await longVideo(0.5), 'tiny.mp4');
    assert.equal((await put({ id: 'junk', type: 'standalone', title: 'Junk', video_uri: junk })).status, 200);
    assert.equal((await put({ id: 'tiny', type: 'standalone', title: 'Tiny', video_uri: tiny })).status, 200);
    for (const id of ['junk', 'tiny']) {
      assert.equal((await t.req('POST', task(id, 'adbreaks'), { headers: xKey(a) })).status, 200);
    }
    await t.jobs.runUntilIdle({ deps: processingOnly(t) });
    const junkTask = await t.req('GET', task('junk', 'adbreaks'), { headers: xKey(a) });
    assert.equal(junkTask.body.status, 'failed');
    assert.match(junkTask.body.error, /^probe decode error/);
    const tinyTask = await t.req('GET', task('tiny', 'adbreaks'), { headers: xKey(a) });
    assert.equal(tinyTask.body.status, 'failed');
    assert.match(tinyTask.body.error, /^unsupported video length: 0\.[0-9] s/);
    // Failed is final for the job (no retries of a bad input).
    const jobs = await t.deps.db.selectFrom('jobs').select(['state', 'attempts']).where('name', '=', 'processing.task').where('state', '=', 'completed').execute();
    assert.ok(jobs.length >= 2);
  });
});
