import { useCallback, useEffect, useState } from 'react';
import { useLiveReload } from '../live/live';
import { api } from '../api/client';
import type { Approval } from '../api/types';

/*
 * Approvals on the one engine (docs/approvals.md): the Workstream list (A1, with the session cookie) shows every
 * approval the person may see with the key they see it through, so one list gives "requested by me" (owner), "pending
 * my approval" (is_approver: a slot of the current stage of a pending approval) and history (approved or cancelled).
 * Answers go to A7 with that key: approve (2), approve with changes (4), reject (3), with a message. A core review
 * request is a slot of the same approvals, so requests made on an asset page show here too. Guests answer on the
 * server-rendered page at /workstream/approval-page/{key}, which this page links to and does not rebuild.
 */

const STATUS: Record<number, string> = { 1: 'Pending', 2: 'Approved', [-1]: 'Cancelled' };
const ANSWER: Record<number, string> = { 1: 'waiting', 2: 'approved', 3: 'rejected', 4: 'approved with changes' };

type Tab = 'pending' | 'requested' | 'history';

export function ApprovalsPage({ email }: { email: string }) {
  const [list, setList] = useState<Approval[] | null>(null);
  const [tab, setTab] = useState<Tab>('pending');
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    try {
      setList(await api<Approval[]>('GET', '/workstream/approvals', { query: { limit: 100 } }));
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);
  // New requests, answers and stages come by the live stream.
  useLiveReload((e) => /^(approval|review|proof)_/.test(e.type), load);

  if (list === null) {
    return error ? <p className="error" role="alert">{error}</p> : <p role="status">Loading approvals…</p>;
  }
  // Pending for me: I may answer and have not yet (an answer may still be changed from the approval page).
  const waitsForMe = (a: Approval) => a.is_approver && (a.current_stage_responses ?? []).some((r) => r.user_email === email && r.response === 1);
  const inTab = (a: Approval, id: Tab) => (id === 'pending' ? waitsForMe(a) : id === 'requested' ? a.owner.email === email && a.status === 1 : a.status !== 1);
  const shown = list.filter((a) => inTab(a, tab));
  const tabs: Array<[Tab, string]> = [
    ['pending', 'Pending my approval'],
    ['requested', 'Requested by me'],
    ['history', 'History'],
  ];
  return (
    <section className="approvals">
      <h1>Approvals</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="tabs" role="group" aria-label="Which approvals">
        {tabs.map(([id, label]) => (
          <button key={id} type="button" aria-pressed={tab === id} onClick={() => setTab(id)}>
            {label} ({list.filter((a) => inTab(a, id)).length})
          </button>
        ))}
      </div>
      {shown.length === 0 ? (
        <p className="empty">{tab === 'pending' ? 'Nothing waits for your answer.' : tab === 'requested' ? 'You have no pending requests.' : 'No finished approvals yet.'}</p>
      ) : (
        <ul className="approval-list" aria-label={tabs.find(([id]) => id === tab)?.[1]}>
          {shown.map((a) => (
            <ApprovalCard key={a.key} approval={a} onAnswered={load} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ApprovalCard({ approval: a, onAnswered }: { approval: Approval; onAnswered: () => Promise<void> }) {
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const o = a.object as { filename?: string; name?: string } | null;
  const name = o?.filename || o?.name || 'Asset';

  async function answer(response: 2 | 3 | 4) {
    setBusy(true);
    setError('');
    try {
      await api('POST', `/workstream/approvals/${encodeURIComponent(a.key)}/response`, { json: { response, message } });
      await onAnswered();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="card approval">
      <h2>{name}</h2>
      <p className="muted">
        {STATUS[a.status] ?? a.status} · requested by {a.owner.email || 'someone'} · stage {a.current_stage_id}
        {a.comments ? ` · “${a.comments}”` : ''}
      </p>
      <ul className="responses" aria-label={`Approvers of ${name}`}>
        {(a.current_stage_responses ?? []).map((r) => (
          <li key={r.id}>
            {r.secondary_approver?.name ?? r.user_email}: {ANSWER[r.response] ?? r.response}
          </li>
        ))}
      </ul>
      <p>
        <a href={`/workstream/approval-page/${encodeURIComponent(a.key)}`}>Open the approval page</a>
      </p>
      {a.is_approver && a.status === 1 && (
        <div className="answer">
          <label>
            Message to {a.owner.email || 'the requester'}
            <textarea value={message} maxLength={3000} onChange={(e) => setMessage(e.target.value)} />
          </label>
          <div className="row">
            <button type="button" disabled={busy} onClick={() => void answer(2)}>
              Approve
            </button>
            <button type="button" disabled={busy} onClick={() => void answer(4)}>
              Approve with changes
            </button>
            <button type="button" disabled={busy} className="danger" onClick={() => void answer(3)}>
              Reject
            </button>
          </div>
          {error && <p className="error" role="alert">{error}</p>}
        </div>
      )}
    </li>
  );
}
