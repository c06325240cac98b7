import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentRange, evaluateRange, ifRangeAllows, noneMatchSatisfied, parseEtagList, unsatisfiedRange } from './range.js';

const partial = (start: number, end: number) => ({ kind: 'partial', range: { start, end } });

test('evaluateRange: single ranges (RFC 9110 §14.1.2)', () => {
  assert.deepEqual(evaluateRange('bytes=0-0', 100), partial(0, 0));
  assert.deepEqual(evaluateRange('bytes=0-99', 100), partial(0, 99));
  assert.deepEqual(evaluateRange('bytes=10-19', 100), partial(10, 19));
  assert.deepEqual(evaluateRange('bytes=90-', 100), partial(90, 99));
  assert.deepEqual(evaluateRange('bytes=99-', 100), partial(99, 99));
  assert.deepEqual(evaluateRange('bytes=-10', 100), partial(90, 99));
  assert.deepEqual(evaluateRange('bytes=-1', 100), partial(99, 99));
  // last-pos past the end is clamped; a suffix longer than the body is the whole body.
  assert.deepEqual(evaluateRange('bytes=50-1000', 100), partial(50, 99));
  assert.deepEqual(evaluateRange('bytes=-1000', 100), partial(0, 99));
  // Unit and whitespace are tolerated in the usual places.
  assert.deepEqual(evaluateRange('Bytes = 5-6', 100), partial(5, 6));
  assert.deepEqual(evaluateRange('bytes=0-99999999999999999999', 100), partial(0, 99));
});

test('evaluateRange: unsatisfiable ranges are 416', () => {
  assert.deepEqual(evaluateRange('bytes=100-', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(evaluateRange('bytes=100-200', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(evaluateRange('bytes=-0', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(evaluateRange('bytes=0-', 0), { kind: 'unsatisfiable' });
  assert.deepEqual(evaluateRange('bytes=-5', 0), { kind: 'unsatisfiable' });
  assert.deepEqual(evaluateRange('bytes=200-300, 400-', 100), { kind: 'unsatisfiable' });
});

test('evaluateRange: absent, malformed, other units and several ranges give the whole body', () => {
  for (const h of [undefined, '', 'bytes=', 'bytes=-', 'bytes=abc', 'bytes=5-1', 'bytes=1-2-3', 'items=0-1', 'bytes 0-1', 'bytes=0-1,x']) {
    assert.deepEqual(evaluateRange(h, 100), { kind: 'full' }, String(h));
  }
  assert.deepEqual(evaluateRange('bytes=0-1,5-6', 100), { kind: 'full' });
  // One satisfiable among unsatisfiable ones: still several ranges, so the whole body.
  assert.deepEqual(evaluateRange('bytes=0-1, 500-600', 100), { kind: 'full' });
});

test('header values', () => {
  assert.equal(contentRange({ start: 0, end: 0 }, 10), 'bytes 0-0/10');
  assert.equal(unsatisfiedRange(10), 'bytes */10');
});

test('If-None-Match uses the weak comparison and understands lists and *', () => {
  const etag = '"abc"';
  assert.equal(noneMatchSatisfied(undefined, etag), false);
  assert.equal(noneMatchSatisfied('"abc"', etag), true);
  assert.equal(noneMatchSatisfied('W/"abc"', etag), true);
  assert.equal(noneMatchSatisfied('"x", "abc"', etag), true);
  assert.equal(noneMatchSatisfied('*', etag), true);
  assert.equal(noneMatchSatisfied('"abcd"', etag), false);
  assert.equal(noneMatchSatisfied('abc', etag), false);
  assert.deepEqual(parseEtagList('"a", W/"b",  "c,d"'), ['"a"', 'W/"b"', '"c,d"']);
});

test('If-Range: strong etag match or exact Last-Modified date', () => {
  const current = { etag: '"abc"', lastModified: 'Mon, 23 Nov 2026 10:00:00 GMT' };
  assert.equal(ifRangeAllows(undefined, current), true);
  assert.equal(ifRangeAllows('"abc"', current), true);
  assert.equal(ifRangeAllows('"old"', current), false);
  assert.equal(ifRangeAllows('W/"abc"', current), false);
  assert.equal(ifRangeAllows('Mon, 23 Nov 2026 10:00:00 GMT', current), true);
  assert.equal(ifRangeAllows('Mon, 23 Nov 2026 09:59:59 GMT', current), false);
  assert.equal(ifRangeAllows('not a date', current), false);
  assert.equal(ifRangeAllows('Mon, 23 Nov 2026 10:00:00 GMT', { etag: '"abc"' }), false);
});
