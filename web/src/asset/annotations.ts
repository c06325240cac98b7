import { useCallback, useRef, useState, type RefObject } from 'react';

/*
 * Annotations are a comment's `viewer_metadata` as the API stores it: `{"timecode": 12.5}` (seconds into the video or
 * audio) and/or `{"region": {"x", "y", "w", "h"}}` (a rectangle on the preview, each number a fraction 0..1 of its
 * width or height, so it fits any size the preview is shown at). The asset page shares one Annotations state between
 * the viewer (draws regions, owns the player) and the comments (attach, show, seek).
 */

export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ViewerMeta {
  timecode?: number;
  region?: Region;
}

/** One annotation to show: which comment it belongs to and what it marks. */
export interface Mark {
  id: string;
  label: string;
  region: Region | null;
  timecode: number | null;
}

const clamp01 = (n: number) => Math.min(1, Math.max(0, n));
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The region in stored metadata, if it is a sane one (clamped into the preview). */
export function regionOf(meta: Record<string, unknown> | null | undefined): Region | null {
  const r = meta?.region as Record<string, unknown> | undefined;
  if (!r || !num(r.x) || !num(r.y) || !num(r.w) || !num(r.h) || r.w <= 0 || r.h <= 0) {
    return null;
  }
  const x = clamp01(r.x);
  const y = clamp01(r.y);
  return { x, y, w: Math.min(r.w, 1 - x), h: Math.min(r.h, 1 - y) };
}

export function timecodeOf(meta: Record<string, unknown> | null | undefined): number | null {
  const t = meta?.timecode;
  return num(t) && t >= 0 ? t : null;
}

/** Seconds as `mm:ss.s` (`h:mm:ss.s` past an hour): "00:12.5". */
export function formatTime(seconds: number): string {
  const tenths = Math.round(seconds * 10);
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  const mm = String(m).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${s}` : `${mm}:${s}`;
}

/** A region from two corners given as fractions (any order), clamped into the preview. */
export function regionFrom(a: { x: number; y: number }, b: { x: number; y: number }): Region {
  const x = clamp01(Math.min(a.x, b.x));
  const y = clamp01(Math.min(a.y, b.y));
  return { x, y, w: clamp01(Math.max(a.x, b.x)) - x, h: clamp01(Math.max(a.y, b.y)) - y };
}

/** Rounded to 4 places, so what is stored reads cleanly (a ten-thousandth of the preview is below a pixel). */
export const roundRegion = (r: Region): Region => ({ x: +r.x.toFixed(4), y: +r.y.toFixed(4), w: +r.w.toFixed(4), h: +r.h.toFixed(4) });

export interface Annotations {
  /** The region being attached to the comment being written. */
  draft: Region | null;
  setDraft: (r: Region | null) => void;
  /** The person is dragging (or placing with the keyboard) a region on the preview. */
  drawing: boolean;
  setDrawing: (on: boolean) => void;
  /** The comment whose annotation is highlighted (hovered or focused), and whether all are shown. */
  highlight: string | null;
  setHighlight: (id: string | null) => void;
  showAll: boolean;
  setShowAll: (on: boolean) => void;
  /** The comment whose region is kept shown by its Region toggle (the keyboard's way to see one). */
  pinned: string | null;
  setPinned: (id: string | null) => void;
  /** The existing comments' annotations (set by the comments list). */
  marks: Mark[];
  setMarks: (m: Mark[]) => void;
  /** The video or audio element of the viewer, when there is one, and its current time and duration. */
  player: RefObject<HTMLMediaElement | null>;
  time: number;
  duration: number;
  setTime: (t: number, duration: number) => void;
  hasPlayer: boolean;
  setHasPlayer: (on: boolean) => void;
  /** The viewer shows a surface a region can be drawn on (an image, a PDF page, a video frame). */
  regionable: boolean;
  setRegionable: (on: boolean) => void;
  seek: (t: number) => void;
}

export function useAnnotations(): Annotations {
  const [draft, setDraft] = useState<Region | null>(null);
  const [drawing, setDrawing] = useState(false);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [showAll, setShowAll] = useState(false);
  const [pinned, setPinned] = useState<string | null>(null);
  const [marks, setMarks] = useState<Mark[]>([]);
  const [clock, setClock] = useState({ time: 0, duration: 0 });
  const [hasPlayer, setHasPlayer] = useState(false);
  const [regionable, setRegionable] = useState(false);
  const player = useRef<HTMLMediaElement | null>(null);
  const setTime = useCallback((time: number, duration: number) => setClock({ time, duration: Number.isFinite(duration) ? duration : 0 }), []);
  const seek = useCallback((t: number) => {
    const p = player.current;
    if (p) {
      p.currentTime = t;
      p.scrollIntoView({ block: 'nearest' });
      p.focus();
    }
  }, []);
  return { draft, setDraft, drawing, setDrawing, highlight, setHighlight, showAll, setShowAll, pinned, setPinned, marks, setMarks, player, ...clock, setTime, hasPlayer, setHasPlayer, regionable, setRegionable, seek };
}
