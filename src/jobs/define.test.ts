import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffSeconds } from './define.js';
import { periodJobId } from './run-helpers.js';

test('backoff doubles from baseSeconds, is capped at maxSeconds, and jitter only shortens it', () => {
  const p = { baseSeconds: 10, maxSeconds: 300, jitter: 0.2 };
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((a) => backoffSeconds(p, a, 0)), [10, 20, 40, 80, 160, 300, 300]);
  assert.equal(backoffSeconds(p, 3, 0.5), 36);
  assert.ok(Math.abs(backoffSeconds(p, 3, 0.999999) - 32) < 1e-3);
  assert.equal(backoffSeconds({ ...p, jitter: 0 }, 100, 0.9), 300);
});

test('a period job id is a stable UUID per (name, period) and differs across names and periods', () => {
  const id = periodJobId('jobs.prune', 3_600_000);
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(periodJobId('jobs.prune', 3_600_000), id);
  assert.notEqual(periodJobId('jobs.prune', 7_200_000), id);
  assert.notEqual(periodJobId('trash.purge', 3_600_000), id);
});
