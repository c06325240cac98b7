import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Comment } from '../api/types';

function CommentForm({ assetId, parentId, onPosted, label }: { assetId: string; parentId: string | null; onPosted: () => void; label: string }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) {
      return;
    }
    try {
      await api('POST', `/workspaces/assets/${assetId}/comments`, { json: { content: text, ...(parentId ? { parent_id: parentId } : {}) } });
      setText('');
      setError(null);
      onPosted();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }
  return (
    <form onSubmit={submit} className="comment-form">
      <label>
        <span className="sr-only">{label}</span>
        <textarea rows={2} placeholder={label} value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <button type="submit">{parentId ? 'Reply' : 'Comment'}</button>
      {error && <p className="error">{error}</p>}
    </form>
  );
}

/** Comments with replies (one level of threads, as the API's `parent_id` gives them). */
export function Comments({ assetId }: { assetId: string }) {
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
      <p>{c.deleted_at ? <em>deleted</em> : c.content}</p>
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
              <CommentForm assetId={assetId} parentId={c.id} label="Write a reply" onPosted={() => (setReplyTo(null), load())} />
            ) : (
              <button type="button" className="link" onClick={() => setReplyTo(c.id)}>
                Reply
              </button>
            )}
          </li>
        ))}
      </ul>
      <CommentForm assetId={assetId} parentId={null} label="Write a comment" onPosted={load} />
    </section>
  );
}
