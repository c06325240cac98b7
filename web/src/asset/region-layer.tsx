import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { formatTime, regionFrom, type Annotations, type Region } from './annotations';

export const REGION_LAYER_ID = 'region-layer';
export const MARK_REGION_BUTTON_ID = 'mark-region';

const box = (r: Region) => ({ left: `${r.x * 100}%`, top: `${r.y * 100}%`, width: `${r.w * 100}%`, height: `${r.h * 100}%` });

/** A region placed with the keyboard starts in the middle; arrows move it, Shift and arrows resize it. */
export const DEFAULT_REGION: Region = { x: 0.25, y: 0.25, w: 0.5, h: 0.5 };
const STEP = 0.02;

/**
 * Drawn over the preview (image, PDF page or video frame), the same size as it: the regions of the existing comments
 * (the highlighted one, or all when shown), the region being attached, and, while drawing, the surface that takes
 * the drag. Out of drawing it lets every pointer through, so the video's own controls keep working.
 */
export function RegionLayer({ ann }: { ann: Annotations }) {
  const start = useRef<{ x: number; y: number } | null>(null);

  const at = (e: PointerEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: (e.clientX - rect.left) / rect.width, y: (e.clientY - rect.top) / rect.height };
  };

  function down(e: PointerEvent<HTMLDivElement>) {
    if (!ann.drawing || e.button !== 0) {
      return;
    }
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    start.current = at(e);
    ann.setDraft(null);
  }
  function move(e: PointerEvent<HTMLDivElement>) {
    if (start.current) {
      ann.setDraft(regionFrom(start.current, at(e)));
    }
  }
  function up(e: PointerEvent<HTMLDivElement>) {
    if (!start.current) {
      return;
    }
    const r = regionFrom(start.current, at(e));
    start.current = null;
    // A click without a drag is not a region.
    ann.setDraft(r.w > 0.01 && r.h > 0.01 ? r : null);
    ann.setDrawing(false);
    document.getElementById(MARK_REGION_BUTTON_ID)?.focus();
  }

  function keys(e: KeyboardEvent<HTMLDivElement>) {
    if (!ann.drawing) {
      return;
    }
    if (e.key === 'Enter' || e.key === 'Escape') {
      e.preventDefault();
      ann.setDrawing(false);
      document.getElementById(MARK_REGION_BUTTON_ID)?.focus();
      return;
    }
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (!d) {
      return;
    }
    e.preventDefault();
    const r = ann.draft ?? DEFAULT_REGION;
    const [dx = 0, dy = 0] = d;
    const next = e.shiftKey
      ? { ...r, w: Math.min(1 - r.x, Math.max(0.02, r.w + dx * STEP)), h: Math.min(1 - r.y, Math.max(0.02, r.h + dy * STEP)) }
      : { ...r, x: Math.min(1 - r.w, Math.max(0, r.x + dx * STEP)), y: Math.min(1 - r.h, Math.max(0, r.y + dy * STEP)) };
    ann.setDraft(next);
  }

  const shown = ann.marks.filter((m) => m.region && (ann.showAll || ann.highlight === m.id || ann.pinned === m.id));
  return (
    <div
      id={REGION_LAYER_ID}
      className={`region-layer${ann.drawing ? ' drawing' : ''}`}
      role="group"
      aria-label={ann.drawing ? 'Draw a region: drag, or use the arrow keys to move it and Shift with the arrow keys to resize it; Enter when done' : 'Annotations on the preview'}
      tabIndex={ann.drawing ? 0 : -1}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onKeyDown={keys}
    >
      {shown.map((m) => (
        <div key={m.id} className={`region-mark${ann.highlight === m.id || ann.pinned === m.id ? ' active' : ''}`} style={box(m.region!)} data-comment-id={m.id}>
          <span className="region-label">
            {m.label}
            {m.timecode !== null ? ` · ${formatTime(m.timecode)}` : ''}
          </span>
        </div>
      ))}
      {ann.draft && <div className="region-draft" style={box(ann.draft)} data-testid="region-draft" />}
    </div>
  );
}

/** Markers under the video or audio: one per comment with a timecode; choosing one seeks the player there. */
export function Timeline({ ann }: { ann: Annotations }) {
  const timed = ann.marks.filter((m) => m.timecode !== null);
  if (!ann.hasPlayer || ann.duration <= 0 || timed.length === 0) {
    return null;
  }
  return (
    <div className="timeline" role="group" aria-label="Comments on the timeline">
      <div className="timeline-head" style={{ left: `${Math.min(100, (ann.time / ann.duration) * 100)}%` }} aria-hidden="true" />
      {timed.map((m) => (
        <button
          key={m.id}
          type="button"
          className={`timeline-mark${ann.highlight === m.id ? ' active' : ''}`}
          style={{ left: `${Math.min(100, (m.timecode! / ann.duration) * 100)}%` }}
          aria-label={`${m.label} at ${formatTime(m.timecode!)}`}
          title={`${m.label} at ${formatTime(m.timecode!)}`}
          onClick={() => {
            ann.setHighlight(m.id);
            ann.seek(m.timecode!);
          }}
        />
      ))}
    </div>
  );
}
