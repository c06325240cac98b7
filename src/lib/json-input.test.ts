import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findJsonInputProblem } from './json-input.js';

test('findJsonInputProblem names the first lone surrogate, in values and keys, with an escaped pointer', () => {
  assert.equal(findJsonInputProblem({ a: ['ok', 'x\ud800y'] })?.pointer, '/a/1');
  assert.equal(findJsonInputProblem('\udc00')?.pointer, '/');
  assert.equal(findJsonInputProblem({ 'a/b~c': { 'k\ud800': 1 } })?.pointer, '/a~1b~0c/k\ufffd');
  assert.equal(findJsonInputProblem({ emoji: 'ship \ud83d\ude80', n: 1, b: true, z: null }), undefined);
});

test('findJsonInputProblem refuses __proto__ and constructor.prototype keys as JSON.parse leaves them', () => {
  assert.equal(findJsonInputProblem(JSON.parse('{"a":{"__proto__":{"x":1}}}'))?.pointer, '/a/__proto__');
  assert.equal(findJsonInputProblem(JSON.parse('{"constructor":{"prototype":{}}}'))?.pointer, '/constructor/prototype');
  assert.equal(findJsonInputProblem(JSON.parse('{"constructor":"fine","prototype":1}')), undefined);
});

test('findJsonInputProblem walks deeply nested input without overflowing the stack', () => {
  const depth = 50_000;
  const deep: unknown = JSON.parse(`${'['.repeat(depth)}"\\ud800"${']'.repeat(depth)}`);
  assert.equal(findJsonInputProblem(deep)?.pointer, `${'/0'.repeat(depth)}`);
});
