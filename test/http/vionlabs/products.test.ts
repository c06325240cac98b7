import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { keyOf, noiseVideo, PLANTED, plantedVideo, runTasks, videoUri, xKey } from './fixtures.js';

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);

describeEachDatabase('vionlabs: products computed from real videos', (t) => {
  let a: Tenant;
  let b: Tenant;
  const task = (id: string, product: string, version = '1.0.1') => `/vionlabs/tasks/catalog-item/${encodeURIComponent(id)}/product/${product}/version/${version}`;

  test('setup: catalog items with planted videos', async () => {
    a = await t.factory.tenant();
    b = await t.factory.tenant();
    const planted = await videoUri(t, a, await plantedVideo(), 'planted.mp4');
    const put = (json: unknown) => t.req('PUT', `/vionlabs/catalog/v1/item?key=${encodeURIComponent(keyOf(a))}`, { json });
    let res = await put({ id: 'movie-1', type: 'standalone', title: 'Planted', video_uri: planted });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, 'null');
    res = await put({ id: 'noise-1', type: 'standalone', title: 'Noise one', video_uri: await videoUri(t, a, await noiseVideo(1), 'n1.mp4') });
    assert.equal(res.status, 200, res.text);
    res = await put({ id: 'noise-1-again', type: 'standalone', title: 'Noise one re-encoded', video_uri: await videoUri(t, a, await noiseVideo(1, '96x64', 'smptebars'), 'n1b.mp4') });
    assert.equal(res.status, 200, res.text);
    res = await put({ id: 'noise-2', type: 'standalone', title: 'Noise two', video_uri: await videoUri(t, a, await noiseVideo(2), 'n2.mp4') });
    assert.equal(res.status, 200, res.text);
    res = await put({ id: 'no-video', type: 'standalone', title: 'Nothing uploaded yet' });
    assert.equal(res.status, 200, res.text);
  });

  test('tasks: pending with links, then done; a missing video fails with the reason', async () => {
    const created = await t.req('POST', task('movie-1', 'adbreaks'), { headers: xKey(a), json: { priority: 'high' } });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.status, 'pending');
    assert.equal(created.body.error, null);
    assert.deepEqual(created.body._links.self, { href: task('movie-1', 'adbreaks'), method: 'GET' });
    assert.deepEqual(created.body._links.deactivate, { href: task('movie-1', 'adbreaks'), method: 'DELETE' });
    assert.equal(created.body._links.results, undefined);
    const job = await t.deps.db.selectFrom('jobs').selectAll().where('name', '=', 'processing.task').orderBy('sequence', 'desc').executeTakeFirstOrThrow();
    assert.equal(job.priority, 40, 'high priority is the job queue priority 40');
    for (const p of ['markers', 'jitthumbnails', 'jitpreviews']) {
      assert.equal((await t.req('POST', task('movie-1', p), { headers: xKey(a) })).status, 200);
    }
    for (const id of ['noise-1', 'noise-1-again', 'noise-2']) {
      assert.equal((await t.req('POST', task(id, 'fingerprint'), { headers: xKey(a), json: null })).status, 200);
    }
    const missing = await t.req('POST', task('no-video', 'adbreaks'), { headers: xKey(a) });
    assert.equal(missing.body.status, 'pending');
    // Markers before the task ran: not_yet_available.
    const early = await t.req('GET', `/vionlabs/results/markers/v1/asset/movie-1`, { headers: xKey(a) });
    assert.equal(early.status, 200, early.text);
    assert.equal(early.body.not_yet_available, true);
    assert.equal(early.body.intro_start, null);

    await runTasks(t);

    const done = await t.req('GET', task('movie-1', 'adbreaks'), { headers: xKey(a) });
    assert.equal(done.body.status, 'done', done.text);
    assert.equal(done.body._links.results.method, 'GET');
    const failed = await t.req('GET', task('no-video', 'adbreaks'), { headers: xKey(a) });
    assert.equal(failed.body.status, 'failed');
    assert.match(failed.body.error, /asset not found/);
    const list = await t.req('GET', '/vionlabs/tasks/catalog-item/movie-1', { headers: xKey(a) });
    assert.deepEqual(
      list.body.map((x: any) => [x.product, x.version, x.task_status.status]).sort(),
      [['adbreaks', '1.0.1', 'done'], ['jitpreviews', '1.0.1', 'done'], ['jitthumbnails', '1.0.1', 'done'], ['markers', '1.0.1', 'done']],
    );
    // Done and failed are history events (the outbox turns them into webhooks and notifications).
    const events = await t.deps.db.selectFrom('history_events').select('type').where('workspace_id', '=', a.workspaceId).where('type', 'like', 'processing_task_%').execute();
    assert.ok(events.some((e) => e.type === 'processing_task_done'));
    assert.ok(events.some((e) => e.type === 'processing_task_failed'));
  });

  test('adbreaks v3 and v2: candidates within 0.5 s of the planted breaks, in seconds and in frames', async () => {
    const q = 'minimum_separation=0&maximum_separation=0.5&skip_first=0&skip_last=0';
    const secs = await t.req('GET', `/vionlabs/results/adbreaks/v3/filter/millisec/movie-1?${q}&version=1.0.1`, { headers: xKey(a) });
    assert.equal(secs.status, 200, secs.text);
    assert.equal(secs.body.status, 'success');
    assert.equal(secs.body.inventory_id, 'movie-1');
    assert.equal(secs.body.type, 'movie');
    assert.equal(secs.body.version_id, '1.0.1');
    const all = secs.body.data.adbreak.flatMap((x: any) => x.candidates) as number[];
    for (const [start, end] of [PLANTED.introBreak, PLANTED.midBreak, PLANTED.creditsBreak]) {
      const hit = all.find((c) => c >= start - 0.5 && c <= end + 0.5);
      assert.ok(hit !== undefined, `no candidate near ${start}-${end}: ${all.join(', ')}`);
      near(hit, (start + end) / 2, 0.5, 'black break');
    }
    assert.ok(all.some((c) => Math.abs(c - PLANTED.cut) <= 0.5), `no candidate at the hard cut: ${all.join(', ')}`);
    // The best-ranked break is a black + silent one.
    const best = secs.body.data.adbreak.find((x: any) => x.rank === 1).candidates[0];
    assert.ok([4.5, 15.5, 24.5].some((m) => Math.abs(best - m) <= 0.5), String(best));
    const frames = await t.req('GET', `/vionlabs/results/adbreaks/v3/filter/frame/movie-1?${q}`, { headers: xKey(a) });
    const allFrames = frames.body.data.adbreak.flatMap((x: any) => x.candidates) as number[];
    assert.ok(allFrames.every((f) => Number.isInteger(f)));
    assert.ok(allFrames.some((f) => Math.abs(f - 15.5 * PLANTED.fps) <= 0.5 * PLANTED.fps), allFrames.join(', '));
    assert.ok(allFrames.some((f) => Math.abs(f - PLANTED.cut * PLANTED.fps) <= 0.5 * PLANTED.fps), allFrames.join(', '));

    // v2: no envelope; skip_first/skip_last in minutes remove the breaks near the edges.
    const v2 = await t.req('GET', `/vionlabs/results/adbreaks/v2/filter/millisec/movie-1?window=0.1&separation=0&skip_first=0.15&skip_last=0.15`, { headers: xKey(a) });
    assert.equal(v2.status, 200, v2.text);
    assert.deepEqual(Object.keys(v2.body).sort(), ['adbreak', 'inventory_id', 'type', 'version_id', 'vionlabs_id']);
    const v2all = v2.body.adbreak.flatMap((x: any) => x.candidates) as number[];
    assert.ok(v2all.every((c) => c >= 9 && c <= 21), v2all.join(', '));
    assert.ok(v2all.some((c) => Math.abs(c - 15.5) <= 0.5), v2all.join(', '));
    const v2frames = await t.req('GET', `/vionlabs/results/adbreaks/v2/filter/frame/movie-1?window=0.1&separation=0&skip_first=0.15&skip_last=0.15`, { headers: xKey(a) });
    assert.ok(v2frames.body.adbreak.flatMap((x: any) => x.candidates).some((f: number) => Math.abs(f - 15.5 * 25) <= 12));
    // The default skips (1 minute each) leave nothing of a 30 s video.
    const defaults = await t.req('GET', `/vionlabs/results/adbreaks/v2/filter/millisec/movie-1`, { headers: xKey(a) });
    assert.deepEqual(defaults.body.adbreak, []);
  });

  test('markers: intro ends at the first planted break, credits start after the last', async () => {
    const res = await t.req('GET', `/vionlabs/results/markers/v1/asset/movie-1?version=1.0.1`, { headers: xKey(a) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.ident, 'movie-1');
    assert.equal(res.body.not_yet_available, false);
    near(res.body.intro_start, 0, 0.5, 'intro_start');
    near(res.body.intro_end, PLANTED.introBreak[0], 0.5, 'intro_end');
    near(res.body.credit_start, PLANTED.creditsBreak[1], 0.5, 'credit_start');
    assert.equal(res.body.recap_start, null);
    const list = await t.req('GET', `/vionlabs/results/markers/v1/?page_size=10`, { headers: xKey(a) });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.total_count, 1);
    assert.equal(list.body.data[0].ident, 'movie-1');
    const future = await t.req('GET', `/vionlabs/results/markers/v1/?from_utcdatetime=2999-01-01T00:00:00Z&to_utcdatetime=2999-02-01T00:00:00Z`, { headers: xKey(a) });
    assert.equal(future.body.total_count, 0);
  });

  test('jitthumbnails and jitpreviews: real files to download', async () => {
    const th = await t.req('GET', `/vionlabs/results/jitthumbnails/v1/movie-1`, { headers: xKey(a) });
    assert.equal(th.status, 200, th.text);
    const thumbs = th.body.data.thumbnails;
    assert.ok(thumbs.length >= 3, th.text);
    for (const x of thumbs) {
      assert.ok(!(x.time > 4 && x.time < 5) && !(x.time > 15 && x.time < 16), `thumbnail in a black segment: ${x.time}`);
      const file = await t.app.inject({ method: 'GET', url: x.url, headers: xKey(a) });
      assert.equal(file.statusCode, 200);
      assert.equal(file.headers['content-type'], 'image/jpeg');
      assert.deepEqual([...file.rawPayload.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    }
    const pv = await t.req('GET', `/vionlabs/results/jitpreviews/v1/movie-1`, { headers: xKey(a) });
    assert.equal(pv.status, 200, pv.text);
    const clip = await t.app.inject({ method: 'GET', url: pv.body.data.previews[0].url, headers: xKey(a) });
    assert.equal(clip.statusCode, 200);
    assert.equal(clip.headers['content-type'], 'video/mp4');
    assert.equal(clip.rawPayload.subarray(4, 8).toString('latin1'), 'ftyp');
    assert.ok(pv.body.data.previews[0].duration > 1 && pv.body.data.previews[0].duration <= 10);
  });

  test('fingerprint: the same content matches, different content does not', async () => {
    const res = await t.req('GET', `/vionlabs/results/fingerprint/v1/noise-1`, { headers: xKey(a) });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.data.fingerprint.length > 50);
    const ids = res.body.data.matches.map((m: any) => m.inventory_id);
    assert.deepEqual(ids, ['noise-1-again'], res.text);
    assert.ok(res.body.data.matches[0].similarity >= 0.85);
    const other = await t.req('GET', `/vionlabs/results/fingerprint/v1/noise-2`, { headers: xKey(a) });
    assert.deepEqual(other.body.data.matches, []);
  });

  test('another tenant sees none of it', async () => {
    for (const url of [task('movie-1', 'adbreaks'), '/vionlabs/tasks/catalog-item/movie-1', '/vionlabs/results/markers/v1/asset/movie-1', '/vionlabs/results/fingerprint/v1/noise-1', '/vionlabs/catalog/v1/item/standalone/movie-1']) {
      const res = await t.req('GET', url, { headers: xKey(b) });
      assert.equal(res.status, 404, `${url}: ${res.text}`);
      assert.equal(typeof res.body.detail, 'string');
    }
    const del = await t.req('DELETE', task('movie-1', 'adbreaks'), { headers: xKey(b) });
    assert.equal(del.status, 404);
    assert.equal((await t.req('GET', task('movie-1', 'adbreaks'), { headers: xKey(a) })).body.status, 'done');
  });
});
