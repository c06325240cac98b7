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
