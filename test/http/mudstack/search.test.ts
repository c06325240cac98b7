import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import { found, idsOf, search, sorted, uploadNamed } from './search-fixtures.js';

describeEachDatabase('search: text matching and the two endpoints', (t) => {
  test('hero_v1.2.psd is found by hero, v1.2, hero_v1, psd, a prefix and its whole name; terms are ANDed', async () => {
    const ten = await t.factory.tenant();
    const hero = await uploadNamed(t, ten, 'hero_v1.2.psd');
    const villain = await uploadNamed(t, ten, 'villain_v2.psd');
    const notes = await uploadNamed(t, ten, 'Hero-Notes.txt');
    await uploadNamed(t, ten, 'backdrop.png');
    for (const q of ['hero_v1', 'v1.2', 'hero_v1.2.psd', 'HERO_V1.2', 'v1']) {
      assert.deepEqual(await found(t, ten, q), [hero.id], q);
    }
    assert.deepEqual(await found(t, ten, 'hero'), sorted(hero.id, notes.id));
    assert.deepEqual(await found(t, ten, 'her'), sorted(hero.id, notes.id));
    assert.deepEqual(await found(t, ten, 'psd'), sorted(hero.id, villain.id));
    assert.deepEqual(await found(t, ten, 'hero psd'), [hero.id]);
    assert.deepEqual(await found(t, ten, 'psd hero'), [hero.id]);
    assert.deepEqual(await found(t, ten, 'hero png'), []);
    assert.deepEqual(await found(t, ten, 'notes.txt'), [notes.id]);
    assert.deepEqual(await found(t, ten, 'ero'), [], 'a term matches word prefixes, not the middle of words');
    // Query syntax of either engine is plain text here.
    assert.deepEqual(await found(t, ten, '"hero" OR villain*'), []);
    assert.deepEqual(await found(t, ten, "hero:* | v2 & ' ; --"), []);
    assert.deepEqual(await found(t, ten, 'NEAR(hero psd)'), []);
  });

  test('the documented shape: {assets: [Asset], next_cursor}, each asset as GET /workspaces/assets/{id} shows it', async () => {
    const ten = await t.factory.tenant();
    const a = await uploadNamed(t, ten, 'shape_test.png');
    const res = await search(t, ten, { query: { query: 'shape' } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), ['assets', 'next_cursor']);
    const one = await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers });
    assert.deepEqual(res.body.assets, [one.body]);
    assert.equal(res.body.next_cursor, null);
    const ids = await search(t, ten, { ids: true, query: { query: 'shape' } });
    assert.deepEqual(ids.body, { ids: [a.id], next_cursor: null });
  });
});

describeEachDatabase('search: transport, filters and errors', (t) => {
  test('filters as query parameters, as a JSON body on GET and on POST, with the spec aliases; body wins', async () => {
    const ten = await t.factory.tenant();
    const a = await uploadNamed(t, ten, 'castle_day.png', { folder: '/env/castle/' });
    const b = await uploadNamed(t, ten, 'castle_night.png', { folder: '/env/' });
    assert.deepEqual(await idsOf(t, ten, { json: { filters: { query: 'castle_day' } } }), [a.id]);
    assert.deepEqual(await idsOf(t, ten, { method: 'POST', json: { filters: { query: 'castle_night' } } }), [b.id]);
    const full = await search(t, ten, { json: { filters: { query: 'castle_day' } } });
    assert.equal(full.status, 200, full.text);
    assert.deepEqual(full.body.assets.map((x: { id: string }) => x.id), [a.id]);
    const post = await search(t, ten, { method: 'POST', json: { filters: { query: 'castle_day' } } });
    assert.deepEqual(post.body, full.body);
    // A body filter overrides the same query parameter; others combine.
    assert.deepEqual(await idsOf(t, ten, { query: { query: 'castle_night' }, json: { filters: { query: 'castle_day' } } }), [a.id]);
    assert.deepEqual((await idsOf(t, ten, { query: { query: 'castle' }, json: { filters: { path: '/env/' } } })), [b.id]);
    assert.deepEqual(sorted(...(await idsOf(t, ten, { json: { filters: { path: '/env/', recursive: true } } }))), sorted(a.id, b.id));
    assert.deepEqual(await idsOf(t, ten, { query: { folder: '/env/castle' } }), [a.id]);
    // POST with paging in the body.
    const page = await search(t, ten, { method: 'POST', ids: true, json: { filters: { query: 'castle' }, sort: 'name', order: 'desc', limit: 1 } });
    assert.deepEqual(page.body.ids, [b.id]);
    assert.equal(typeof page.body.next_cursor, 'string');
  });

  test('each filter: type, status, tag (all), library, folder, creator, dates, locked, open tasks, review status, trash', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const a = await uploadNamed(t, ten, 'alpha.png', { folder: '/art/chars/', bytes: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64') });
    t.clock.advance(60);
    const b = await uploadNamed(t, editor, 'beta.txt', { folder: '/art/' });
    t.clock.advance(60);
    const c = await uploadNamed(t, ten, 'gamma.txt', { folder: '/docs/' });
    t.clock.advance(60);
    const d = await uploadNamed(t, ten, 'delta.txt');
    const all = sorted(a.id, b.id, c.id, d.id);
    assert.deepEqual(sorted(...(await idsOf(t, ten))), all);

    assert.deepEqual(await idsOf(t, ten, { query: { type: a.asset_type_id } }), [a.id]);
    assert.equal(a.asset_type_id === b.asset_type_id, false);
    assert.deepEqual(sorted(...(await idsOf(t, ten, { query: { type: [a.asset_type_id, b.asset_type_id] } }))), all);

    const statuses = (await t.req('GET', '/workspaces/assetStatuses', { headers: ten.headers })).body;
    const st = statuses[0].id;
    assert.equal((await t.req('PATCH', `/workspaces/assets/${b.id}`, { headers: ten.headers, json: { status_id: st } })).status, 200);
    assert.deepEqual(await idsOf(t, ten, { query: { status: st } }), [b.id]);
    assert.deepEqual(await idsOf(t, ten, { json: { filters: { status_id: [st] } } }), [b.id]);

    const tagA = await t.req('POST', `/workspaces/assets/${a.id}/tags`, { headers: ten.headers, json: { names: ['Red', 'Blue'] } });
    assert.equal(tagA.status, 200, tagA.text);
    await t.req('POST', `/workspaces/assets/${b.id}/tags`, { headers: ten.headers, json: { names: ['red'] } });
    const red = (await t.req('GET', '/workspaces/tags', { headers: ten.headers })).body.find((x: { name: string }) => x.name === 'Red');
    assert.deepEqual(sorted(...(await idsOf(t, ten, { query: { tag: 'RED' } }))), sorted(a.id, b.id));
    assert.deepEqual(sorted(...(await idsOf(t, ten, { query: { tag_id: red.id } }))), sorted(a.id, b.id));
    assert.deepEqual(await idsOf(t, ten, { query: { tag: ['red', 'blue'] } }), [a.id]);
    assert.deepEqual(await idsOf(t, ten, { query: { tag: ['red', 'nope'] } }), []);

    const lib = (await t.req('POST', '/workspaces/libraries', { headers: ten.headers, json: { name: 'Keys' } })).body;
    await t.req('POST', `/workspaces/libraries/${lib.id}/assets`, { headers: ten.headers, json: { asset_ids: [c.id] } });
    assert.deepEqual(await idsOf(t, ten, { query: { library: lib.id } }), [c.id]);
    assert.deepEqual(await idsOf(t, ten, { json: { filters: { library_id: lib.id } } }), [c.id]);

    assert.deepEqual(sorted(...(await idsOf(t, ten, { query: { folder: '/art/', recursive: 'true' } }))), sorted(a.id, b.id));
    assert.deepEqual(await idsOf(t, ten, { query: { folder: '/art/' } }), [b.id]);
    assert.deepEqual(sorted(...(await idsOf(t, ten, { query: { folder: '/', recursive: 'true' } }))), all);
    assert.deepEqual(await idsOf(t, ten, { query: { folder: '/' } }), [d.id]);

    assert.deepEqual(await idsOf(t, ten, { query: { creator: editor.userId } }), [b.id]);
    assert.deepEqual(await idsOf(t, ten, { query: { created_by_user_id: ten.userId, folder: '/docs/' } }), [c.id]);

    assert.deepEqual(sorted(...(await idsOf(t, ten, { query: { created_after: b.created_at } }))), sorted(b.id, c.id, d.id));
    assert.deepEqual(await idsOf(t, ten, { query: { created_before: b.created_at } }), [a.id]);
    assert.deepEqual(await idsOf(t, ten, { query: { created_after: b.created_at, created_before: c.created_at } }), [b.id]);
    assert.deepEqual(sorted(...(await idsOf(t, ten, { query: { created_after: '2000-01-01' } }))), all);
    assert.deepEqual(await idsOf(t, ten, { query: { created_after: '2999-01-01T00:00:00+02:00' } }), []);
    // b was updated (status) after d was created.
    assert.deepEqual(sorted(...(await idsOf(t, ten, { query: { updated_after: d.created_at } }))), sorted(b.id, d.id));
    assert.deepEqual(await idsOf(t, ten, { query: { updated_before: b.created_at } }), [a.id]);

    assert.equal((await t.req('POST', `/workspaces/assets/${d.id}/lock`, { headers: ten.headers })).status, 200);
    assert.deepEqual(await idsOf(t, ten, { query: { locked: 'true' } }), [d.id]);
    assert.deepEqual(sorted(...(await idsOf(t, ten, { query: { locked: 'false' } }))), sorted(a.id, b.id, c.id));

    const open = await t.req('POST', `/workspaces/assets/${a.id}/tasks`, { headers: ten.headers, json: { title: 'Paint it' } });
    assert.equal(open.status, 200, open.text);
    const done = await t.req('POST', `/workspaces/assets/${c.id}/tasks`, { headers: ten.headers, json: { title: 'Done', status: 'Completed' } });
    assert.equal(done.status, 200, done.text);
    assert.deepEqual(await idsOf(t, ten, { query: { has_open_tasks: 'true' } }), [a.id]);
    assert.deepEqual(sorted(...(await idsOf(t, ten, { query: { has_open_tasks: 'false' } }))), sorted(b.id, c.id, d.id));

    const review = (id: string, status: string) => t.req('POST', `/workspaces/assets/${id}/reviews`, { headers: ten.headers, query: { content: 'r', status } });
    assert.equal((await review(a.id, 'rejected')).status, 200);
    assert.equal((await review(b.id, 'rejected')).status, 200);
    assert.equal((await review(b.id, 'approved')).status, 200);
    assert.deepEqual(await idsOf(t, ten, { json: { filters: { reviewStatus: 'rejected' } } }), [a.id]);
    assert.deepEqual(await idsOf(t, ten, { query: { review_status: 'approved' } }), [b.id]);

    assert.equal((await t.req('DELETE', `/workspaces/assets/${c.id}`, { headers: ten.headers })).status, 200);
    assert.deepEqual(sorted(...(await idsOf(t, ten))), sorted(a.id, b.id, d.id));
    assert.deepEqual(sorted(...(await idsOf(t, ten, { query: { include_deleted: 'true' } }))), all);
    assert.deepEqual(await idsOf(t, ten, { query: { only_deleted: 'true' } }), [c.id]);
    assert.deepEqual(await idsOf(t, ten, { query: { query: 'gamma' } }), []);
    assert.deepEqual(await idsOf(t, ten, { query: { query: 'gamma', include_deleted: 'true' } }), [c.id]);
    // Filters combine (AND).
    assert.deepEqual(await idsOf(t, ten, { query: { tag: 'red', folder: '/art/', recursive: 'true', creator: ten.userId, has_open_tasks: 'true' } }), [a.id]);
  });

  test('bad filter values: 400 with fields pointing at the query parameter or body field; nothing written', async () => {
    const ten = await t.factory.tenant();
    await uploadNamed(t, ten, 'one.txt');
    const before = [await t.count('asset_search'), await t.count('history_events')];
    const cases: Array<[Parameters<typeof search>[2], string, string]> = [
      [{ query: { created_after: 'yesterday' } }, 'query', '/created_after'],
      [{ query: { created_before: '2026-13-45' } }, 'query', '/created_before'],
      [{ json: { filters: { created_after: 'nope' } } }, 'body', '/filters/created_after'],
      [{ method: 'POST', json: { filters: { updated_after: 'nope' } } }, 'body', '/filters/updated_after'],
      [{ json: { filters: { bogus: 1 } } }, 'body', '/filters/bogus'],
      [{ json: { filters: { locked: 'maybe' } } }, 'body', '/filters/locked'],
      [{ query: { sort: 'colour' } }, 'query', '/sort'],
      [{ query: { order: 'up' } }, 'query', '/order'],
      [{ query: { limit: '0' } }, 'query', '/limit'],
      [{ query: { limit: '201' } }, 'query', '/limit'],
      [{ json: { limit: 500 } }, 'body', '/limit'],
      [{ query: { cursor: 'garbage!' } }, 'query', '/cursor'],
      [{ query: { review_status: 'meh' } }, 'query', '/review_status'],
      [{ json: { filters: { reviewStatus: 'meh' } } }, 'body', '/filters/reviewStatus'],
      [{ query: { folder: '/a/../../b/' } }, 'query', '/folder'],
      [{ query: { locked: 'perhaps' } }, 'query', '/locked'],
    ];
    for (const [call, part, pointer] of cases) {
      for (const ids of [false, true]) {
        const res = await search(t, ten, { ...call, ids });
        assert.equal(res.status, 400, `${JSON.stringify(call)} ${res.text}`);
        assert.deepEqual(res.body.error.fields?.map((f: { in: string; pointer: string }) => [f.in, f.pointer]).slice(0, 1), [[part, pointer]], res.text);
      }
    }
    assert.deepEqual([await t.count('asset_search'), await t.count('history_events')], before);
    // A cursor of another sort order is refused rather than misread.
    const first = await search(t, ten, { ids: true, query: { sort: 'name', limit: '1' } });
    await uploadNamed(t, ten, 'two.txt');
    const page = await search(t, ten, { ids: true, query: { sort: 'name', limit: '1' } });
    assert.equal(typeof page.body.next_cursor, 'string', first.text);
    const wrong = await search(t, ten, { ids: true, query: { sort: 'created_at', cursor: page.body.next_cursor } });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.fields[0].pointer, '/cursor');
    // A GET body must be JSON, and well-formed.
    const text = await t.req('GET', '/workspaces/assets/search', { headers: { ...ten.headers, 'content-type': 'text/plain' }, payload: 'query=x' });
    assert.equal(text.status, 415, text.text);
    const broken = await t.req('GET', '/workspaces/assets/search', { headers: { ...ten.headers, 'content-type': 'application/json' }, payload: '{"filters":' });
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error.code, 'malformed_json');
  });

  test('tenancy and auth: another workspace never shows up; its tag and library ids match nothing; 401 without a token', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const mine = await uploadNamed(t, ten, 'hero_mine.psd');
    const theirs = await uploadNamed(t, other, 'hero_theirs.psd');
    const second = await t.factory.workspace(ten);
    const inSecond = await uploadNamed(t, { ...ten, workspaceId: second, headers: { ...ten.headers, 'x-workspace-id': second } }, 'hero_second.psd');
    assert.deepEqual(await found(t, ten, 'hero'), [mine.id]);
    assert.deepEqual(await found(t, other, 'hero'), [theirs.id]);
    assert.deepEqual(await idsOf(t, { ...ten, headers: { ...ten.headers, 'x-workspace-id': second } }, { query: { query: 'hero' } }), [inSecond.id]);
    for (const q of [{}, { include_deleted: 'true' }] as Array<Record<string, string>>) {
      const ids = await idsOf(t, ten, { query: q });
      assert.ok(!ids.includes(theirs.id) && !ids.includes(inSecond.id));
    }
    const tag = (await t.req('POST', `/workspaces/assets/${theirs.id}/tags`, { headers: other.headers, json: { names: ['shared'] } })).body[0];
    assert.deepEqual(await idsOf(t, ten, { query: { tag: tag.id } }), []);
    assert.deepEqual(await idsOf(t, other, { query: { tag: tag.id } }), [theirs.id]);
    const lib = (await t.req('POST', '/workspaces/libraries', { headers: other.headers, json: { name: 'Theirs' } })).body;
    await t.req('POST', `/workspaces/libraries/${lib.id}/assets`, { headers: other.headers, json: { asset_ids: [theirs.id] } });
    assert.deepEqual(await idsOf(t, ten, { query: { library: lib.id } }), []);
    // Their workspace id with my token is refused by the tenancy check.
    const foreign = await t.req('GET', '/workspaces/assets/search', { headers: { ...ten.headers, 'x-workspace-id': other.workspaceId } });
    assert.ok([403, 404].includes(foreign.status), foreign.text);
    assert.equal(foreign.body.assets, undefined);
    for (const url of ['/workspaces/assets/search', '/workspaces/assets/search/ids']) {
      const { authorization: _, ...noToken } = ten.headers;
      assert.equal((await t.req('GET', url, { headers: noToken })).status, 401);
      assert.equal((await t.req('POST', url, { headers: noToken, json: {} })).status, 401);
      assert.equal((await t.req('GET', url, { headers: { ...ten.headers, authorization: 'Bearer nope' } })).status, 401);
    }
    // Any workspace member may search (asset.read), a viewer included.
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    assert.deepEqual(await found(t, viewer, 'hero'), [mine.id]);
  });
});
