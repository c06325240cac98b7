import type { Segment, VideoSignals } from '../../media/video-signals.js';

/*
 * From a video's signals (black, silence, hard cuts) to ad-break points, markers and representative moments. Pure
 * functions; docs/vionlabs.md ("How each product is computed") describes the same rules in prose.
 */

export interface BreakPoint {
  /** Seconds: the middle of the black (or silent) segment, or the cut. */
  at: number;
  /** Black 3 (+ up to 1 for its length), silence 2, a cut its scene score (0..1), added where they coincide. */
  score: number;
  kinds: Array<'black' | 'silence' | 'cut'>;
  /** The segment the break covers (a cut's is empty). */
  start: number;
  end: number;
}

const SLACK = 0.5;
const round3 = (n: number): number => Math.round(n * 1000) / 1000;
const overlaps = (a: Segment, b: Segment, slack = 0): boolean => a.start <= b.end + slack && b.start <= a.end + slack;

/** Every break point, best first by score then earliest. */
export function breakPoints(signals: VideoSignals): BreakPoint[] {
  const points: BreakPoint[] = [];
  const usedSilence = new Set<Segment>();
  const usedCuts = new Set<VideoSignals['cuts'][number]>();
  for (const b of signals.black) {
    const kinds: BreakPoint['kinds'] = ['black'];
    let score = 3 + Math.min(1, b.end - b.start);
    const silent = signals.silence.find((s) => overlaps(s, b, SLACK));
    if (silent) {
      usedSilence.add(silent);
      kinds.push('silence');
      score += 2;
    }
    const cut = signals.cuts.find((c) => c.at >= b.start - SLACK && c.at <= b.end + SLACK);
    if (cut) {
      kinds.push('cut');
      score += cut.score;
    }
    for (const c of signals.cuts) {
      if (c.at >= b.start - SLACK && c.at <= b.end + SLACK) {
        usedCuts.add(c);
      }
    }
    points.push({ at: round3((b.start + b.end) / 2), score: round3(score), kinds, start: round3(b.start), end: round3(b.end) });
  }
  for (const s of signals.silence) {
    if (usedSilence.has(s)) {
      continue;
    }
    const kinds: BreakPoint['kinds'] = ['silence'];
    let score = 2;
    const cut = signals.cuts.find((c) => c.at >= s.start - SLACK && c.at <= s.end + SLACK);
    if (cut) {
      kinds.push('cut');
      score += cut.score;
      usedCuts.add(cut);
    }
    points.push({ at: round3((s.start + s.end) / 2), score: round3(score), kinds, start: round3(s.start), end: round3(s.end) });
  }
  for (const c of signals.cuts) {
    if (!usedCuts.has(c) && !points.some((p) => Math.abs(p.at - c.at) <= SLACK)) {
      points.push({ at: round3(c.at), score: round3(c.score), kinds: ['cut'], start: round3(c.at), end: round3(c.at) });
    }
  }
  return points.sort((a, b) => b.score - a.score || a.at - b.at);
}

export interface AdBreak {
  rank: number;
  /** Seconds, best first. */
  candidates: number[];
}

/** The points strictly inside the programme: after `skipFirst` and before `duration - skipLast` (seconds). */
function inside(points: readonly BreakPoint[], duration: number, skipFirst: number, skipLast: number): BreakPoint[] {
  return points.filter((p) => p.at >= skipFirst && p.at <= duration - skipLast && p.at > 0 && p.at < duration);
}

/** Ranks breaks by their best candidate's score (1 = best); candidates best first. */
function ranked(groups: BreakPoint[][]): AdBreak[] {
  return groups
    .filter((g) => g.length > 0)
    .map((g) => [...g].sort((a, b) => b.score - a.score || a.at - b.at))
    .sort((a, b) => b[0]!.score - a[0]!.score || a[0]!.at - b[0]!.at)
    .map((g, i) => ({ rank: i + 1, candidates: g.map((p) => p.at) }));
}

/**
 * Ad breaks v2 (all in seconds): the programme between the skips is cut into windows of `window`; each window with
 * break points is one ad break whose candidates are its points, best first. A point closer than `separation` to the
 * previous break's best candidate is dropped, so two breaks are never nearer than that.
 */
export function adBreaksV2(points: readonly BreakPoint[], duration: number, q: { window: number; separation: number; skipFirst: number; skipLast: number }): AdBreak[] {
  const usable = inside(points, duration, q.skipFirst, q.skipLast);
  const groups: BreakPoint[][] = [];
  let previousBest: number | undefined;
  for (let from = q.skipFirst; from < duration - q.skipLast; from += q.window) {
    const to = from + q.window;
    const group = usable
      .filter((p) => p.at >= from && p.at < to && (previousBest === undefined || Math.abs(p.at - previousBest) >= q.separation))
      .sort((a, b) => b.score - a.score || a.at - b.at);
    if (group.length > 0) {
      groups.push(group);
      previousBest = group[0]!.at;
    }
  }
  return ranked(groups);
}

/**
 * Ad breaks v3 (seconds): walking from the start of the programme, the next break is chosen among the points from
 * `minimumSeparation` to `maximumSeparation` after the previous break's best candidate (the first among those up to
 * `maximumSeparation` after the skip); when that stretch has none, the walk moves on by `maximumSeparation`.
 */
export function adBreaksV3(
  points: readonly BreakPoint[],
  duration: number,
  q: { minimumSeparation: number; maximumSeparation: number; skipFirst: number; skipLast: number },
): AdBreak[] {
  const usable = inside(points, duration, q.skipFirst, q.skipLast);
  const end = duration - q.skipLast;
  const groups: BreakPoint[][] = [];
  let anchor = q.skipFirst;
  let first = true;
  const step = Math.max(q.maximumSeparation, 0.001);
  while (anchor < end) {
    const from = first ? anchor : anchor + q.minimumSeparation;
    const to = anchor + step;
    const group = usable.filter((p) => p.at >= from && (first || p.at > anchor) && p.at <= to);
    if (group.length > 0) {
      group.sort((a, b) => b.score - a.score || a.at - b.at);
      groups.push(group);
      anchor = Math.max(group[0]!.at, anchor + 0.001);
    } else {
      anchor = to;
    }
    first = false;
  }
  return ranked(groups);
}

/** Seconds → frame numbers at `fps` (rounded; duplicates kept once, order kept). */
export function toFrames(breaks: readonly AdBreak[], fps: number): AdBreak[] {
  return breaks.map((b) => ({ rank: b.rank, candidates: [...new Set(b.candidates.map((s) => Math.round(s * fps)))] }));
}

export interface Markers {
  intro_start: number | null;
  intro_end: number | null;
  recap_start: number | null;
  recap_end: number | null;
  credit_start: number | null;
}

/** Share of the running time (capped) searched for the intro at the start and for the credits at the end. */
const HEAD_SHARE = 0.3;
const HEAD_MAX_SECONDS = 600;
const TAIL_SHARE = 0.3;
const TAIL_MAX_SECONDS = 900;

/**
 * Intro, recap and credits from the strong breaks (black with silence; black alone when there is no audio), away
 * from the very start and end: the last strong break in the head ends the intro (which starts at 0, or after a
 * recap that ends at the head's first strong break when there are two); the last strong break in the tail starts
 * the credits. Null where no such break exists.
 */
export function estimateMarkers(points: readonly BreakPoint[], duration: number, hasAudio: boolean): Markers {
  const strong = points
    .filter((p) => p.kinds.includes('black') && (!hasAudio || p.kinds.includes('silence')))
    .filter((p) => p.start > SLACK && p.end < duration - SLACK)
    .sort((a, b) => a.at - b.at);
  const headEnd = Math.min(duration * HEAD_SHARE, HEAD_MAX_SECONDS);
  const tailStart = Math.max(duration * (1 - TAIL_SHARE), duration - TAIL_MAX_SECONDS);
  const head = strong.filter((p) => p.end <= headEnd);
  const tail = strong.filter((p) => p.start >= tailStart);
  const markers: Markers = { intro_start: null, intro_end: null, recap_start: null, recap_end: null, credit_start: null };
  if (head.length >= 2) {
    const [recapBreak, introBreak] = [head[0]!, head[head.length - 1]!];
    Object.assign(markers, { recap_start: 0, recap_end: recapBreak.start, intro_start: recapBreak.end, intro_end: introBreak.start });
  } else if (head.length === 1) {
    Object.assign(markers, { intro_start: 0, intro_end: head[0]!.start });
  }
  const credits = tail[tail.length - 1];
  if (credits) {
    markers.credit_start = credits.end;
  }
  return markers;
}

/** Stretches between breaks (black segments and cuts), black left out: the video's shots. */
export function shots(signals: VideoSignals, duration: number): Segment[] {
  const edges = [
    ...signals.black.flatMap((b) => [b.start, b.end]),
    ...signals.cuts.map((c) => c.at),
    0,
    duration,
  ]
    .filter((t) => t >= 0 && t <= duration)
    .sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const seg = { start: edges[i]!, end: edges[i + 1]! };
    const black = signals.black.some((b) => seg.start >= b.start - 0.01 && seg.end <= b.end + 0.01);
    if (!black && seg.end - seg.start >= 0.2) {
      out.push(seg);
    }
  }
  return out;
}

/** Up to `n` moments for thumbnails: the middles of the longest shots, in time order. */
export function thumbnailTimes(signals: VideoSignals, duration: number, n: number): number[] {
  const list = shots(signals, duration);
  if (list.length === 0) {
    return [round3(duration / 2)];
  }
  return [...list]
    .sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start)
    .slice(0, n)
    .map((s) => round3((s.start + s.end) / 2))
    .sort((a, b) => a - b);
}

/** The preview's stretch: up to `seconds` from the start of the longest shot. */
export function previewWindow(signals: VideoSignals, duration: number, seconds: number): { start: number; seconds: number } {
  const longest = [...shots(signals, duration)].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start)[0];
  const start = longest ? longest.start : 0;
  return { start: round3(start), seconds: round3(Math.max(0.04, Math.min(seconds, duration - start))) };
}
