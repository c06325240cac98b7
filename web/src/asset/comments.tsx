import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Comment, WorkspaceMember } from '../api/types';
import { useLiveEvents } from '../live/live';
import { personName, useMembers } from '../ui/people';
import { formatTime, regionOf, roundRegion, timecodeOf, type Annotations, type Mark } from './annotations';
import { draftContent, EMPTY_DRAFT, MentionTextarea, type MentionDraft } from './mention-box';
import { withMentions } from './mentions';
import { DEFAULT_REGION, MARK_REGION_BUTTON_ID, REGION_LAYER_ID } from './region-layer';

/** What a new comment can point at on the preview: the player's time (a toggle) and the region drawn on it. */
function AnnotationControls({ ann, atTime, setAtTime }: { ann: Annotations; atTime: number | null; setAtTime: (t: number | null) => void }) {
  function markRegion() {
    if (ann.drawing) {
      ann.setDrawing(false);
      return;
    }
    // A mouse drags a new one; the keyboard starts from a region in the middle and moves it with the arrows.
    if (!ann.draft) {
      ann.setDraft(DEFAULT_REGION);
    }
    ann.setDrawing(true);
    requestAnimationFrame(() => document.getElementById(REGION_LAYER_ID)?.focus());
  }
  if (!ann.hasPlayer && !ann.regionable) {
    return null;
  }
  return (
    <div className="annotation-controls">
      {ann.hasPlayer && (
        <label className="inline-check">
          <input type="checkbox" checked={atTime !== null} onChange={(e) => setAtTime(e.target.checked ? ann.time : null)} /> at {formatTime(atTime ?? ann.time)}
        </label>
      )}
      {ann.regionable && (
        <>
          <button type="button" id={MARK_REGION_BUTTON_ID} aria-pressed={ann.drawing} onClick={markRegion}>
            {ann.drawing ? 'Done drawing' : ann.draft ? 'Redraw region' : 'Mark a region'}
          </button>
          {ann.draft && !ann.drawing && (
            <span className="muted" data-testid="region-attached">
              Region attached{' '}
              <button type="button" className="link" onClick={() => ann.setDraft(null)}>
                Clear region
              </button>
            </span>
          )}
        </>
      )}
    </div>
  );
}

/** A comment or reply box; `@` and a name offers the workspace's members (arrows and Enter or Tab pick one). */
function CommentForm(props: {
  assetId: string;
  parentId: string | null;
  onPosted: () => void;
  label: string;
  members: readonly WorkspaceMember[];
  meId: string | undefined;
  ann?: Annotations | undefined;
}) {
  const { assetId, parentId, onPosted, label, members, ann } = props;
  const [draft, setDraft] = useState<MentionDraft>(EMPTY_DRAFT);
  const [atTime, setAtTime] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!draft.text.trim()) {
      return;
    }
    const meta = {
      ...(ann && atTime !== null ? { timecode: Math.round(atTime * 10) / 10 } : {}),
      ...(ann?.draft ? { region: roundRegion(ann.draft) } : {}),
    };
    try {
      await api('POST', `/workspaces/assets/${assetId}/comments`, {
        json: { content: draftContent(draft), ...(parentId ? { parent_id: parentId } : {}), ...(Object.keys(meta).length > 0 ? { viewer_metadata: meta } : {}) },
      });
      setDraft(EMPTY_DRAFT);
      setAtTime(null);
      ann?.setDraft(null);
      ann?.setDrawing(false);
      setError(null);
      onPosted();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }
  return (
    <form onSubmit={submit} className="comment-form-wrap">
      <div className="comment-form">
        <MentionTextarea label={label} value={draft} onChange={setDraft} members={members} meId={props.meId} />
        <button type="submit">{parentId ? 'Reply' : 'Comment'}</button>
      </div>
      {ann && <AnnotationControls ann={ann} atTime={atTime} setAtTime={setAtTime} />}
      {error && <p className="error">{error}</p>}
    </form>
  );
}

const authorOf = (c: Comment) => (c.user ? personName(c.user) : 'Someone');

/** Comments with replies (one level of threads, as the API's `parent_id` gives them), and their annotations. */
export function Comments({ assetId, meId, ann }: { assetId: string; meId?: string | undefined; ann?: Annotations }) {
  const members = useMembers();
  const [list, setList] = useState<Comment[]>([]);
  const [replyTo, setReplyTo] = useState<string | null>(null);
  const load = useCallback(() => void api<Comment[]>('GET', `/workspaces/assets/${assetId}/comments`).then(setList, () => undefined), [assetId]);
  useEffect(load, [load]);
  // Others' comments, replies, edits and deletions arrive by the live stream.
  useLiveEvents((m) => {
    if ((m.event === 'history' && m.data.asset_id === assetId && m.data.type.startsWith('comment_')) || m.event === 'reset') {
      load();
    }
  });
  const setMarks = ann?.setMarks;
  useEffect(() => {
    const marks: Mark[] = list
      .filter((c) => !c.deleted_at)
      .map((c) => ({ id: c.id, label: authorOf(c), region: regionOf(c.viewer_metadata), timecode: timecodeOf(c.viewer_metadata) }))
      .filter((m) => m.region || m.timecode !== null);
    setMarks?.(marks);
  }, [list, setMarks]);
  const roots = list.filter((c) => c.parent_id === null);
  const repliesOf = (id: string) => list.filter((c) => c.parent_id === id);
  const show = (c: Comment) => {
    const region = c.deleted_at ? null : regionOf(c.viewer_metadata);
    const time = c.deleted_at ? null : timecodeOf(c.viewer_metadata);
    const lit = ann?.highlight === c.id || ann?.pinned === c.id;
    // Hovering or focusing a comment highlights its region on the preview (and its marker on the timeline).
    const hover = ann && (region || time !== null)
      ? {
          onMouseEnter: () => ann.setHighlight(c.id),
          onMouseLeave: () => ann.setHighlight(null),
          onFocus: () => ann.setHighlight(c.id),
        }
      : {};
    return (
      <div className={`comment${lit ? ' lit' : ''}`} data-comment-id={c.id} {...hover}>
        <p className="meta">
          <strong>{authorOf(c)}</strong> · {new Date(c.created_at).toLocaleString()}
          {ann && time !== null && (
            <>
              {' '}
              <button type="button" className="chip time-chip" aria-label={`Play from ${formatTime(time)}`} onClick={() => (ann.setHighlight(c.id), ann.seek(time))}>
                ▶ {formatTime(time)}
              </button>
            </>
          )}
          {ann && region && (
            <>
              {' '}
              <button type="button" className="chip" aria-pressed={ann.pinned === c.id} onClick={() => ann.setPinned(ann.pinned === c.id ? null : c.id)}>
                Region
              </button>
            </>
          )}
        </p>
        <p>{c.deleted_at ? <em>deleted</em> : withMentions(c.content, members)}</p>
      </div>
    );
  };
  return (
    <section aria-labelledby="comments-title">
      <h2 id="comments-title">Comments</h2>
      {roots.length === 0 && <p className="muted">No comments yet.</p>}
      <ul className="comments">
        {roots.map((c) => (
          <li key={c.id}>
            {show(c)}
            <ul>
              {repliesOf(c.id).map((r) => (
                <li key={r.id}>{show(r)}</li>
              ))}
            </ul>
            {replyTo === c.id ? (
              <CommentForm assetId={assetId} parentId={c.id} label="Write a reply" members={members} meId={meId} onPosted={() => (setReplyTo(null), load())} />
            ) : (
              <button type="button" className="link" onClick={() => setReplyTo(c.id)}>
                Reply
              </button>
            )}
          </li>
        ))}
      </ul>
      <CommentForm assetId={assetId} parentId={null} label="Write a comment" members={members} meId={meId} onPosted={load} ann={ann} />
    </section>
  );
}
