import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldText, queryTerms, searchTokens } from './search-tokens.js';

test('searchTokens: a file name is found by its parts, neighbour runs and whole', () => {
  assert.deepEqual(searchTokens('hero_v1.2.psd'), [
    'hero_v1.2.psd',
    'hero',
    'v1',
    '2',
    'psd',
    'hero_v1',
    'v1.2',
    '2.psd',
    'hero_v1.2',
    'v1.2.psd',
  ]);
  for (const wanted of ['hero', 'v1.2', 'hero_v1', 'psd']) {
    assert.ok(searchTokens('hero_v1.2.psd').includes(wanted), wanted);
  }
});

test('searchTokens: separators _ - . space / split; other punctuation separates words; joiner runs collapse', () => {
  assert.deepEqual(searchTokens('props/chair-final'), ['props/chair-final', 'props', 'chair', 'final', 'props/chair', 'chair-final']);
  assert.deepEqual(searchTokens('  Hello, World!  '), ['hello', 'world']);
  assert.deepEqual(searchTokens('a__b'), ['a__b', 'a', 'b']);
  assert.deepEqual(searchTokens('..hidden.'), ['hidden']);
  assert.deepEqual(searchTokens('(draft) [v2] "quoted" it\'s'), ['draft', 'v2', 'quoted', 'it', 's']);
  assert.deepEqual(searchTokens(''), []);
  assert.deepEqual(searchTokens('___ ... ---'), []);
  assert.deepEqual(searchTokens('hero hero HERO'), ['hero']);
});

test('searchTokens: folds case, diacritics and compatibility forms; keeps non-Latin letters and digits', () => {
  assert.equal(foldText('Café ÉCLAIR ﬁle'), 'cafe eclair file');
  assert.deepEqual(searchTokens('Café_Ü.PNG'), ['cafe_u.png', 'cafe', 'u', 'png', 'cafe_u', 'u.png']);
  assert.deepEqual(searchTokens('東京 2026'), ['東京', '2026']);
  assert.deepEqual(searchTokens('Ωmega-7'), ['ωmega-7', 'ωmega', '7']);
});

test('searchTokens: long chunks keep parts and pairs only; tokens are capped at 200 characters', () => {
  const tokens = searchTokens('a_b_c_d_e_f_g_h_i_j');
  assert.ok(tokens.includes('a_b_c_d_e_f_g_h_i_j'));
  assert.ok(tokens.includes('e_f'));
  assert.ok(!tokens.includes('a_b_c'));
  assert.equal(tokens.length, 1 + 10 + 9);
  assert.equal(searchTokens('x'.repeat(500))[0]?.length, 200);
});

test('queryTerms: user text becomes plain, distinct, folded terms; syntax characters never survive', () => {
  assert.deepEqual(queryTerms('Hero_V1'), ['hero_v1']);
  assert.deepEqual(queryTerms('hero v1.2 hero'), ['hero', 'v1.2']);
  assert.deepEqual(queryTerms('"hero" OR * NEAR(x) \' ; -- '), ['hero', 'or', 'near', 'x']);
  assert.deepEqual(queryTerms('a:* & !b | c'), ['a', 'b', 'c']);
  assert.deepEqual(queryTerms('!!!'), []);
  assert.equal(queryTerms(Array.from({ length: 40 }, (_, i) => `t${i}`).join(' ')).length, 16);
});
