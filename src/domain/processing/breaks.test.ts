import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adBreaksV2, adBreaksV3, breakPoints, estimateMarkers, toFrames } from './breaks.js';

const signals = {
  black: [{ start: 100, end: 101 }, { start: 400, end: 402 }],
  silence: [{ start: 100.2, end: 100.9 }, { start: 250, end: 251 }],
  cuts: [{ at: 101, score: 0.9 }, { at: 300, score: 0.5 }],
};

test('break points: black + silence + cut outranks black, silence, then a bare cut', () => {
  const points = breakPoints(signals);
  assert.deepEqual(points.map((p) => [p.at, p.kinds]), [
    [100.5, ['black', 'silence', 'cut']],
    [401, ['black']],
    [250.5, ['silence']],
    [300, ['cut']],
  ]);
  assert.ok(points[0]!.score > points[1]!.score && points[1]!.score > points[2]!.score && points[2]!.score > points[3]!.score);
});

test('v2: one break per window, separation drops near neighbours, skips honoured, ranked by score', () => {
  const points = breakPoints(signals);
  assert.deepEqual(adBreaksV2(points, 600, { window: 200, separation: 0, skipFirst: 0, skipLast: 0 }), [
    { rank: 1, candidates: [100.5] },
    { rank: 2, candidates: [401] },
    { rank: 3, candidates: [250.5, 300] },
  ]);
  // Skipping the first 2 minutes removes the break at 100.5.
  assert.deepEqual(adBreaksV2(points, 600, { window: 600, separation: 0, skipFirst: 120, skipLast: 0 }).flatMap((b) => b.candidates).sort((a, b) => a - b), [250.5, 300, 401]);
  // A separation of 200 s from the previous break's best (100.5) empties the next window (250.5 and 300 are nearer).
  assert.deepEqual(adBreaksV2(points, 600, { window: 200, separation: 200, skipFirst: 0, skipLast: 0 }).flatMap((b) => b.candidates).sort((a, b) => a - b), [100.5, 401]);
  assert.deepEqual(adBreaksV2(points, 600, { window: 200, separation: 150, skipFirst: 0, skipLast: 0 }).flatMap((b) => b.candidates).sort((a, b) => a - b), [100.5, 250.5, 300, 401]);
});

test('v3: walks from break to break within [min, max] separation', () => {
  const points = breakPoints(signals);
  const breaks = adBreaksV3(points, 600, { minimumSeparation: 60, maximumSeparation: 200, skipFirst: 0, skipLast: 0 });
  // First stretch [0, 200]: 100.5; next [160.5, 300.5]: 250.5 (best) and 300; next [310.5, 450.5]: 401.
  assert.deepEqual(breaks.map((b) => b.candidates), [[100.5], [401], [250.5, 300]]);
  assert.deepEqual(toFrames(breaks, 25).map((b) => b.candidates), [[2513], [10025], [6263, 7500]]);
});

test('markers: intro from the head, credits from the tail; null when absent', () => {
  const points = breakPoints({
    black: [{ start: 30, end: 31 }, { start: 90, end: 91 }, { start: 1500, end: 1501 }, { start: 2500, end: 2502 }],
    silence: [{ start: 30, end: 31 }, { start: 90, end: 91 }, { start: 1500, end: 1501 }, { start: 2500, end: 2502 }],
    cuts: [],
  });
  assert.deepEqual(estimateMarkers(points, 2700, true), { recap_start: 0, recap_end: 30, intro_start: 31, intro_end: 90, credit_start: 2502 });
  assert.deepEqual(estimateMarkers([], 2700, true), { intro_start: null, intro_end: null, recap_start: null, recap_end: null, credit_start: null });
});
