import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { shotSpans } from '../../../src/domain/media-assets/shots.service.js';
import { assertMlErrors, token } from './fixtures.js';
import { bytesOf, CUTS_MS, DURATION_MS, FRAME_MS, uploadTo, videoWithCuts } from './media-fixtures.js';

test('shotSpans: shot i runs from cut i to cut i+1, in milliseconds; cuts at 0 or past the end are dropped', () => {
  assert.deepEqual(shotSpans([1, 2.6], 3.6), [{ start: 0, end: 1000 }, { start: 1000, end: 2600 }, { start: 2600, end: 3600 }]);
  assert.deepEqual(shotSpans([0, 5], 3), [{ start: 0, end: 3000 }]);
});

describeEachDatabase('medialoopster shots', (t) => {
  let owner: Tenant;
  let other: Tenant;
  let cut: { uuid: string; id: number };
  let plain: { uuid: string; id: number };

  before(async () => {
    owner = await t.factory.tenant();
    other = await t.factory.tenant();
    const dev = await t.req('POST', '/workspaces/devices', { headers: owner.headers, json: { name: 'Rushes', path: '/rushes/', autoshot_detection: true } });
    assert.equal(dev.status, 201, dev.text);
    const bytes = await videoWithCuts();
    cut = await uploadTo(t, owner, bytes, '/rushes/', 'cuts.mp4');
    // The same video outside any device with shot detection gets no shots.
    plain = await uploadTo(t, owner, bytes, '/elsewhere/', 'cuts.mp4');
    await t.jobs.runUntilIdle();
  });

  test('a video on a device with autoshot_detection is cut into shots at its hard cuts, within one frame', async () => {
    const res = await t.req('GET', `/api/videoassets/${cut.id}/shots/`, { headers: token(owner) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.length, 3, res.text);
    const starts = res.body.map((s: { timecode_start: number }) => s.timecode_start);
    const ends = res.body.map((s: { timecode_end: number }) => s.timecode_end);
    assert.equal(starts[0], 0);
    for (const [i, expected] of CUTS_MS.entries()) {
      assert.ok(Math.abs(starts[i + 1] - expected) <= FRAME_MS, `cut ${i}: ${starts[i + 1]} vs ${expected}`);
      assert.equal(ends[i], starts[i + 1]);
    }
    assert.ok(Math.abs(ends[2] - DURATION_MS) <= FRAME_MS, `end ${ends[2]}`);
    const [first] = res.body;
    assert.deepEqual(Object.keys(first), [
      'id', 'asset', 'name', 'description', 'timecode_start', 'timecode_end', 'duration', 'licensor', 'license', 'location_city', 'copyright',
      'ancestor', 'keywords', 'path_thumbnail', 'is_compositing', 'thumbnail_url',
    ]);
    assert.equal(first.asset, cut.id);
    assert.equal(first.name, 'Shot 1');
    assert.equal(first.duration, first.timecode_end - first.timecode_start);
    assert.deepEqual(first.keywords, []);
    assert.equal(first.is_compositing, false);
    assert.equal(typeof first.id, 'number');
    // Each thumbnail is the shot's first frame: red, then blue.
    const sharp = (await import('sharp')).default;
    for (const [i, colour] of [[0, 'red'], [1, 'blue']] as const) {
      const png = await bytesOf(t, new URL(res.body[i].thumbnail_url).pathname, token(owner));
      assert.equal(png.status, 200);
      assert.equal(png.type, 'image/png');
      const { channels } = await sharp(png.body).stats();
      const [r, , b] = channels.map((c) => c.mean);
      assert.ok(colour === 'red' ? (r ?? 0) > 150 && (b ?? 0) < 80 : (b ?? 0) > 150 && (r ?? 0) < 80, `${colour}: r=${r} b=${b}`);
    }
  });

  test('no shots without autoshot_detection; sequences list; other tenants and bad ids are 404', async () => {
    const none = await t.req('GET', `/api/videoassets/${plain.id}/shots/`, { headers: token(owner) });
    assert.deepEqual(none.body, []);
    const seqs = await t.req('GET', `/api/videoassets/${cut.id}/sequences/`, { headers: token(owner) });
    assert.equal(seqs.status, 200, seqs.text);
    assert.deepEqual(seqs.body, []);
    assertMlErrors(await t.req('GET', `/api/videoassets/${cut.id}/shots/`, { headers: token(other) }), 404, 'not_found');
    assertMlErrors(await t.req('GET', `/api/videoassets/${cut.id}/sequences/`, { headers: token(other) }), 404, 'not_found');
    assertMlErrors(await t.req('GET', `/api/videoassets/${cut.id}/shots/`), 401, 'not_authenticated');
    assertMlErrors(await t.req('GET', `/api/videoassets/${cut.id}/shots/99999999/thumbnail/`, { headers: token(owner) }), 404, 'not_found');
  });
});
