import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Review, ReviewRequest, WorkspaceMember } from '../api/types';
import { useLiveEvents } from '../live/live';
import { MemberSelect } from '../ui/member-select';
import { personName, useMembers } from '../ui/people';
import { draftContent, EMPTY_DRAFT, MentionTextarea, type MentionDraft } from './mention-box';
import { withMentions } from './mentions';

/*
 * Reviews (approved, changes requested, commented) and review requests of the asset, both with the @mention
 * autocomplete of comments: the API reads the `@[id]` tokens of a review's content and of a request's message and
 * notifies those people (src/domain/comments/discussion.rules.ts).
 */

const STATUS_LABELS: Record<string, string> = { approved: 'Approved', changes_requested: 'Changes requested', commented: 'Commented' };
const nameOf = (u: { firstName: string; lastName: string; email: string } | null | undefined) => (u ? personName(u) : 'Someone');
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

function ReviewForm({ assetId, members, meId, onPosted }: { assetId: string; members: readonly WorkspaceMember[]; meId: string | undefined; onPosted: () => void }) {
  const [draft, setDraft] = useState<MentionDraft>(EMPTY_DRAFT);
  const [status, setStatus] = useState('commented');
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!draft.text.trim()) {
      return;
    }
    try {
      await api('POST', `/workspaces/assets/${assetId}/reviews`, { json: { content: draftContent(draft), status } });
      setDraft(EMPTY_DRAFT);
      setError(null);
      onPosted();
    } catch (err) {
      setError(errorText(err));
    }
  }
  return (
    <form onSubmit={submit} className="comment-form-wrap" aria-label="Write a review">
      <div className="comment-form">
        <MentionTextarea label="Write a review" value={draft} onChange={setDraft} members={members} meId={meId} />
        <label>
          <span className="sr-only">Review verdict</span>
          <select aria-label="Review verdict" value={status} onChange={(e) => setStatus(e.target.value)}>
            {Object.entries(STATUS_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Post review</button>
      </div>
      {error && <p className="error">{error}</p>}
    </form>
  );
}

function RequestForm({ assetId, members, meId, onPosted }: { assetId: string; members: readonly WorkspaceMember[]; meId: string | undefined; onPosted: () => void }) {
  const [draft, setDraft] = useState<MentionDraft>(EMPTY_DRAFT);
  const [reviewer, setReviewer] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!reviewer) {
      setError('Choose who should review.');
      return;
    }
    try {
      await api('POST', `/workspaces/assets/${assetId}/reviewRequests`, { json: { user_ids: [reviewer], message: draftContent(draft) } });
      setDraft(EMPTY_DRAFT);
      setReviewer('');
      setError(null);
      onPosted();
    } catch (err) {
      setError(errorText(err));
    }
  }
  return (
    <form onSubmit={submit} className="comment-form-wrap" aria-label="Request a review">
      <div className="comment-form">
        <MemberSelect label={<span className="sr-only">Reviewer</span>} value={reviewer} onChange={setReviewer} members={members} empty="Choose a reviewer" />
        <MentionTextarea label="Message to the reviewer" value={draft} onChange={setDraft} members={members} meId={meId} />
        <button type="submit">Request review</button>
      </div>
      {error && <p className="error">{error}</p>}
    </form>
  );
}

/** The asset's reviews and review requests (oldest first, as the API lists them), with forms for both. */
export function Reviews({ assetId, meId }: { assetId: string; meId?: string | undefined }) {
  const members = useMembers();
  const [reviews, setReviews] = useState<Review[]>([]);
  const [requests, setRequests] = useState<ReviewRequest[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const load = useCallback(() => {
    void api<Review[]>('GET', `/workspaces/assets/${assetId}/reviews`).then(setReviews, () => undefined);
    void api<ReviewRequest[]>('GET', `/workspaces/assets/${assetId}/reviewRequests`).then(setRequests, () => undefined);
  }, [assetId]);
  useEffect(load, [load]);
  // Others' reviews and review requests (and their answers) arrive by the live stream.
  useLiveEvents((m) => {
    if ((m.event === 'history' && m.data.asset_id === assetId && m.data.type.startsWith('review_')) || m.event === 'reset') {
      load();
    }
  });

  async function cancel(id: string) {
    try {
      await api('DELETE', `/workspaces/assets/${assetId}/reviewRequests/${id}`);
      setNotice(null);
      load();
    } catch (err) {
      setNotice(errorText(err));
    }
  }

  return (
    <section aria-labelledby="reviews-title" className="reviews">
      <h2 id="reviews-title">Reviews</h2>
      {reviews.length === 0 && <p className="muted">No reviews yet.</p>}
      <ul className="comments">
        {reviews.map((r) => (
          <li key={r.id} className="comment review" data-review-id={r.id}>
            <p className="meta">
              <strong>{nameOf(r.user)}</strong> · <span className={`verdict verdict-${r.status}`}>{STATUS_LABELS[r.status] ?? r.status}</span>
              {r.version ? ` · v${r.version.version_number}` : ''} · {new Date(r.created_at).toLocaleString()}
            </p>
            <p>{withMentions(r.content, members)}</p>
          </li>
        ))}
      </ul>
      <ReviewForm assetId={assetId} members={members} meId={meId} onPosted={load} />
      <h3 id="requests-title">Review requests</h3>
      {notice && (
        <p role="alert" className="error">
          {notice}
        </p>
      )}
      {requests.length === 0 && <p className="muted">No review requests.</p>}
      <ul className="comments" aria-labelledby="requests-title">
        {requests.map((q) => (
          <li key={q.id} className="comment review-request" data-request-id={q.id}>
            <p className="meta">
              <strong>{nameOf(q.requestor)}</strong> asked <strong>{nameOf(q.user)}</strong>
              {q.version ? ` (v${q.version.version_number})` : ''} · {q.state} · {new Date(q.created_at).toLocaleString()}
              {q.state === 'open' && (
                <>
                  {' '}
                  <button type="button" className="link" onClick={() => void cancel(q.id)}>
                    Cancel request
                  </button>
                </>
              )}
            </p>
            {q.message && <p>{withMentions(q.message, members)}</p>}
          </li>
        ))}
      </ul>
      <RequestForm assetId={assetId} members={members} meId={meId} onPosted={load} />
    </section>
  );
}
