import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { assertMlErrors, token } from './fixtures.js';
import { uploadTo, videoWithCuts } from './media-fixtures.js';

interface Shot { id: number; timecode_start: number; timecode_end: number }

describeEachDatabase('medialoopster sequences (core routes, shown on /api/videoassets/{id}/sequences/)', (t) => {
  let owner: Tenant;
  let other: Tenant;
  let video: { uuid: string; id: number };
  let second: { uuid: string; id: number };
  let shots: Shot[];
  let secondShots: Shot[];

  const seqs = (ten: Tenant, asset = video) => t.req('GET', `/workspaces/assets/${asset.uuid}/sequences`, { headers: ten.headers });
  const rowCount = async () => Number((await t.deps.db.selectFrom('shot_sequences').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const grouped = async () => (await t.deps.db.selectFrom('shots').select('sequence').where('sequence_id', 'is not', null).execute()).map((r) => Number(r.sequence)).sort();

  before(async () => {
    owner = await t.factory.tenant();
    other = await t.factory.tenant();
    const dev = await t.req('POST', '/workspaces/devices', { headers: owner.headers, json: { name: 'Rushes', path: '/rushes/', autoshot_detection: true } });
    assert.equal(dev.status, 201, dev.text);
    const bytes = await videoWithCuts();
    video = await uploadTo(t, owner, bytes, '/rushes/', 'cuts.mp4');
    second = await uploadTo(t, owner, bytes, '/rushes/', 'second.mp4');
    // The real shots.detect job cuts both videos into three shots.
    await t.jobs.runUntilIdle();
    const list = await t.req('GET', `/api/videoassets/${video.id}/shots/`, { headers: token(owner) });
    assert.equal(list.status, 200, list.text);
    shots = list.body;
    assert.equal(shots.length, 3, list.text);
    secondShots = (await t.req('GET', `/api/videoassets/${second.id}/shots/`, { headers: token(owner) })).body;
    assert.equal(secondShots.length, 3);
  });

  test('create groups shots into a sequence; /api/ shows it in the Sequence shape with its shots; update and delete', async () => {
    const [s1, s2, s3] = shots as [Shot, Shot, Shot];
    const created = await t.req('POST', `/workspaces/assets/${video.uuid}/sequences`, {
      headers: owner.headers,
      json: { name: '  Opening ', description: 'Red then blue', keywords: ['intro', ' colour ', 'intro', ''], shot_ids: [s2.id, s1.id] },
    });
    assert.equal(created.status, 201, created.text);
    const seq = created.body;
    assert.equal(seq.name, 'Opening');
    assert.equal(seq.description, 'Red then blue');
    assert.deepEqual(seq.keywords, ['intro', 'colour']);
    assert.equal(seq.asset_id, video.uuid);
    assert.deepEqual(seq.shot_ids, [s1.id, s2.id]);
    assert.equal(seq.timecode_start, 0);
    assert.equal(seq.timecode_end, s2.timecode_end);
    assert.equal(seq.duration, s2.timecode_end);
    assert.equal(typeof seq.sequence, 'number');

    const api = await t.req('GET', `/api/videoassets/${video.id}/sequences/`, { headers: token(owner) });
    assert.equal(api.status, 200, api.text);
    assert.equal(api.body.length, 1);
    const [shown] = api.body;
    assert.deepEqual(Object.keys(shown), ['name', 'description', 'timecode_start', 'timecode_end', 'duration', 'keywords', 'asset', 'shots']);
    assert.deepEqual(
      { ...shown, shots: shown.shots.map((s: Shot) => s.id) },
      { name: 'Opening', description: 'Red then blue', timecode_start: 0, timecode_end: s2.timecode_end, duration: s2.timecode_end, keywords: ['intro', 'colour'], asset: video.id, shots: [s1.id, s2.id] },
    );
    // The shots inside are the /api/ Shot shape, the same as the shots list shows.
    assert.deepEqual(shown.shots[0], (await t.req('GET', `/api/videoassets/${video.id}/shots/`, { headers: token(owner) })).body[0]);

    const hist = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('record_id', '=', seq.id).execute();
    assert.deepEqual(hist.map((h) => h.type), ['sequence_created']);
    assert.deepEqual(JSON.parse(hist[0]!.data), { name: 'Opening', shot_ids: [s1.id, s2.id] });

    // PATCH: shot_ids replaces the shots (and the timecodes follow); other fields kept.
    const patched = await t.req('PATCH', `/workspaces/assets/${video.uuid}/sequences/${seq.id}`, { headers: owner.headers, json: { shot_ids: [s3.id, s2.id], keywords: [] } });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.body.shot_ids, [s2.id, s3.id]);
    assert.equal(patched.body.timecode_start, s2.timecode_start);
    assert.equal(patched.body.timecode_end, s3.timecode_end);
    assert.equal(patched.body.duration, s3.timecode_end - s2.timecode_start);
    assert.equal(patched.body.name, 'Opening');
    assert.deepEqual(patched.body.keywords, []);
    assert.deepEqual(await grouped(), [s2.id, s3.id].sort());
    const listed = await seqs(owner);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body, [patched.body]);

    // s1 is free again: a second sequence may take it; s2 is not (one sequence per shot).
    const taken = await t.req('POST', `/workspaces/assets/${video.uuid}/sequences`, { headers: owner.headers, json: { name: 'Clash', shot_ids: [s1.id, s2.id] } });
    assert.equal(taken.status, 409, taken.text);
    assert.equal(taken.body.error.code, 'shot_in_other_sequence');
    const lone = await t.req('POST', `/workspaces/assets/${video.uuid}/sequences`, { headers: owner.headers, json: { name: 'Cold open', shot_ids: [s1.id] } });
    assert.equal(lone.status, 201, lone.text);
    const both = await t.req('GET', `/api/videoassets/${video.id}/sequences/`, { headers: token(owner) });
    assert.deepEqual(both.body.map((s: { name: string }) => s.name), ['Cold open', 'Opening']);

    // DELETE: the sequence goes, its shots stay (ungrouped).
    const del = await t.req('DELETE', `/workspaces/assets/${video.uuid}/sequences/${seq.id}`, { headers: owner.headers });
    assert.equal(del.status, 200, del.text);
    assert.deepEqual((await seqs(owner)).body.map((s: { name: string }) => s.name), ['Cold open']);
    assert.deepEqual(await grouped(), [s1.id]);
    assert.equal((await t.req('GET', `/api/videoassets/${video.id}/shots/`, { headers: token(owner) })).body.length, 3);
    assert.deepEqual(
      (await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', seq.id).orderBy('sequence').execute()).map((h) => h.type),
      ['sequence_created', 'sequence_updated', 'sequence_deleted'],
    );
    const again = await t.req('DELETE', `/workspaces/assets/${video.uuid}/sequences/${seq.id}`, { headers: owner.headers });
    assert.equal(again.status, 404);
    assert.equal(again.body.error.code, 'sequence_not_found');
    assert.equal((await t.req('DELETE', `/workspaces/assets/${video.uuid}/sequences/${lone.body.id}`, { headers: owner.headers })).status, 200);
  });

  test('bad input is 400 in the core error shape and writes nothing', async () => {
    const [s1] = shots as [Shot];
    const before = { rows: await rowCount(), grouped: await grouped() };
    const cases: Array<[unknown, string]> = [
      [{ name: 'X', shot_ids: [(secondShots[0] as Shot).id] }, '/shot_ids'],
      [{ name: 'X', shot_ids: [s1.id, 2_000_000_000] }, '/shot_ids'],
      [{ name: '', shot_ids: [s1.id] }, '/name'],
      [{ name: '   ', shot_ids: [s1.id] }, '/name'],
      [{ name: 'X', shot_ids: [] }, '/shot_ids'],
      [{ name: 'X' }, '/shot_ids'],
      [{ name: 'X', shot_ids: ['one'] }, '/shot_ids/0'],
      [{ name: 'X', shot_ids: [s1.id], keywords: 'intro' }, '/keywords'],
    ];
    for (const [json, pointer] of cases) {
      const res = await t.req('POST', `/workspaces/assets/${video.uuid}/sequences`, { headers: owner.headers, json });
      assert.equal(res.status, 400, `${JSON.stringify(json)}: ${res.text}`);
      assert.equal(typeof res.body.error.code, 'string');
      assert.equal(typeof res.body.request_id, 'string');
      assert.ok(res.body.error.fields.some((f: { pointer: string }) => f.pointer === pointer), `${JSON.stringify(json)}: ${res.text}`);
    }
    const unknownShot = await t.req('POST', `/workspaces/assets/${video.uuid}/sequences`, { headers: owner.headers, json: { name: 'X', shot_ids: [2_000_000_000] } });
    assert.equal(unknownShot.body.error.code, 'validation_failed');
    assert.match(unknownShot.body.error.fields[0].message, /2000000000 is not a shot of this asset's current version/);
    // A PATCH that names a foreign shot changes nothing either.
    const made = await t.req('POST', `/workspaces/assets/${video.uuid}/sequences`, { headers: owner.headers, json: { name: 'Keep', shot_ids: [s1.id] } });
    assert.equal(made.status, 201);
    const bad = await t.req('PATCH', `/workspaces/assets/${video.uuid}/sequences/${made.body.id}`, { headers: owner.headers, json: { name: 'Changed', shot_ids: [(secondShots[1] as Shot).id] } });
    assert.equal(bad.status, 400, bad.text);
    assert.deepEqual((await seqs(owner)).body, [made.body]);
    assert.equal((await t.req('DELETE', `/workspaces/assets/${video.uuid}/sequences/${made.body.id}`, { headers: owner.headers })).status, 200);
    assert.deepEqual({ rows: await rowCount(), grouped: await grouped() }, before);
  });

  test('another tenant\'s asset is 404; a viewer may read but not write (403); no credentials 401', async () => {
    const [s1] = shots as [Shot];
    const made = await t.req('POST', `/workspaces/assets/${video.uuid}/sequences`, { headers: owner.headers, json: { name: 'Mine', shot_ids: [s1.id] } });
    assert.equal(made.status, 201, made.text);
    const path = `/workspaces/assets/${video.uuid}/sequences`;
    for (const [method, url, json] of [
      ['GET', path, undefined],
      ['POST', path, { name: 'Theirs', shot_ids: [s1.id] }],
      ['PATCH', `${path}/${made.body.id}`, { name: 'Theirs' }],
      ['DELETE', `${path}/${made.body.id}`, undefined],
    ] as const) {
      const res = await t.req(method, url, { headers: other.headers, ...(json ? { json } : {}) });
      assert.equal(res.status, 404, `${method} ${url}: ${res.text}`);
      assert.equal(res.body.error.code, 'asset_not_found');
      const anon = await t.req(method, url, json ? { json } : {});
      assert.equal(anon.status, 401, `${method} ${url}: ${anon.text}`);
    }
    assertMlErrors(await t.req('GET', `/api/videoassets/${video.id}/sequences/`, { headers: token(other) }), 404, 'not_found');

    const viewer = await t.factory.member(owner, { workspace: 'viewer' });
    const read = await seqs(viewer);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.map((s: { name: string }) => s.name), ['Mine']);
    const denied = [
      await t.req('POST', path, { headers: viewer.headers, json: { name: 'Viewer', shot_ids: [(shots[1] as Shot).id] } }),
      await t.req('PATCH', `${path}/${made.body.id}`, { headers: viewer.headers, json: { name: 'Viewer' } }),
      await t.req('DELETE', `${path}/${made.body.id}`, { headers: viewer.headers }),
    ];
    for (const res of denied) {
      assert.equal(res.status, 403, res.text);
    }
    assert.deepEqual((await seqs(owner)).body, [made.body]);
    // A sequence of one asset is not reachable through another.
    assert.equal((await t.req('PATCH', `/workspaces/assets/${second.uuid}/sequences/${made.body.id}`, { headers: owner.headers, json: { name: 'X' } })).status, 404);
    assert.equal((await t.req('DELETE', path + '/' + made.body.id, { headers: owner.headers })).status, 200);
  });
});
