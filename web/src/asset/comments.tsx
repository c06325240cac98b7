import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api } from '../api/client';
import type { Comment, WorkspaceMember } from '../api/types';
import { personName, useMembers } from '../ui/people';
import { matchMembers, MentionList, toTokens, typedMention, withMentions, type Picked } from './mentions';

/** A comment or reply box; `@` and a name offers the workspace's members (arrows and Enter or Tab pick one). */
function CommentForm(props: { assetId: string; parentId: string | null; onPosted: () => void; label: string; members: readonly WorkspaceMember[]; meId: string | undefined }) {
  const { assetId, parentId, onPosted, label, members } = props;
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<Picked[]>([]);
  const [typing, setTyping] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const box = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const options = typing ? matchMembers(members, typing.query, props.meId) : [];
  const open = options.length > 0;

  function edited(value: string, caret: number) {
    setText(value);
    setTyping(typedMention(value, caret));
    setActive(0);
  }

  function pick(m: WorkspaceMember) {
    if (!typing) {
      return;
    }
    const label = personName(m.user);
    const caret = typing.start + 1 + typing.query.length;
    const next = `${text.slice(0, typing.start)}@${label} ${text.slice(caret)}`;
    setText(next);
    setPicked((prev) => [...prev.filter((p) => p.userId !== m.user_id), { label, userId: m.user_id }]);
    setTyping(null);
    const at = typing.start + label.length + 2;
    requestAnimationFrame(() => box.current?.setSelectionRange(at, at));
  }

  function keys(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (!open) {
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      const m = options[active];
      if (m) {
        pick(m);
      }
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setTyping(null);
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) {
      return;
    }
    try {
      await api('POST', `/workspaces/assets/${assetId}/comments`, { json: { content: toTokens(text, picked), ...(parentId ? { parent_id: parentId } : {}) } });
      setText('');
      setPicked([]);
      setError(null);
      onPosted();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }
  return (
    <form onSubmit={submit} className="comment-form">
      <div className="mention-box">
        <label>
          <span className="sr-only">{label}</span>
          <textarea
            ref={box}
            rows={2}
            placeholder={`${label} (@ to mention someone)`}
            value={text}
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={open}
            aria-controls={open ? listId : undefined}
            aria-activedescendant={open ? `${listId}-${active}` : undefined}
            onChange={(e) => edited(e.target.value, e.target.selectionStart)}
            onKeyDown={keys}
            onBlur={() => setTyping(null)}
          />
        </label>
        {open && <MentionList id={listId} options={options} active={active} onPick={pick} />}
      </div>
      <button type="submit">{parentId ? 'Reply' : 'Comment'}</button>
      {error && <p className="error">{error}</p>}
    </form>
  );
}

/** Comments with replies (one level of threads, as the API's `parent_id` gives them). */
export function Comments({ assetId, meId }: { assetId: string; meId?: string | undefined }) {
  const members = useMembers();
  const [list, setList] = useState<Comment[]>([]);
  const [replyTo, setReplyTo] = useState<string | null>(null);
  const load = useCallback(() => void api<Comment[]>('GET', `/workspaces/assets/${assetId}/comments`).then(setList, () => undefined), [assetId]);
  useEffect(load, [load]);
  const roots = list.filter((c) => c.parent_id === null);
  const repliesOf = (id: string) => list.filter((c) => c.parent_id === id);
  const show = (c: Comment) => (
    <div className="comment">
      <p className="meta">
        <strong>{c.user ? `${c.user.firstName} ${c.user.lastName}`.trim() || c.user.email : 'Someone'}</strong> · {new Date(c.created_at).toLocaleString()}
      </p>
      <p>{c.deleted_at ? <em>deleted</em> : withMentions(c.content, members)}</p>
    </div>
  );
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
      <CommentForm assetId={assetId} parentId={null} label="Write a comment" members={members} meId={meId} onPosted={load} />
    </section>
  );
}
