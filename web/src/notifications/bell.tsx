import { useCallback, useEffect, useId, useState } from 'react';
import { api, currentTenancy } from '../api/client';
import type { Notification, WorkspaceMember } from '../api/types';
import { useLiveEvents, useLiveStatus } from '../live/live';
import { navigate } from '../router';
import { personName, useMembers } from '../ui/people';

/*
 * The bell in the header: the unread count of the person's notifications in the current account
 * (GET /accounts/notifications?unread=true), read again when the live stream brings a notification (web/src/live),
 * when the tab comes back into view and when the panel opens (an open panel's list too); the panel lists the newest
 * 20, opens the asset a notification is about, and marks it read. Only while the stream is down does it poll, every
 * 30 s. Marking read tells the person's other tabs (a BroadcastChannel), whose bells count again: the stream carries
 * new notifications only, not reads.
 */

const POLL_MS = 30_000;
const UNREAD_PAGE = 50;
/** Tabs of this origin tell each other that notifications were marked read (absent in old browsers: then they poll). */
const READ_CHANNEL = 'atelier-notifications-read';

function announceRead(): void {
  if (typeof BroadcastChannel !== 'undefined') {
    const channel = new BroadcastChannel(READ_CHANNEL);
    channel.postMessage('read');
    channel.close();
  }
}

function describe(n: Notification, members: readonly WorkspaceMember[]): string {
  const by = typeof n.data.by_user_id === 'string' ? members.find((m) => m.user_id === n.data.by_user_id) : undefined;
  const who = by ? personName(by.user) : 'Someone';
  const title = typeof n.data.title === 'string' ? `“${n.data.title}”` : 'untitled';
  switch (n.type) {
    case 'mention':
      return `${who} mentioned you in a ${n.data.subject === 'review' ? 'review' : n.data.subject === 'review_request' ? 'review request' : 'comment'}`;
    case 'comment_reply':
      return `${who} replied to your comment`;
    case 'subscribed_asset_changed':
      return 'An asset you follow changed';
    case 'task_due_soon':
      return `The task ${title} ${n.data.overdue === true ? 'is overdue' : 'is due soon'}${typeof n.data.due_date === 'string' ? ` (${n.data.due_date.slice(0, 10)})` : ''}`;
    case 'task_assigned':
      return `${who} assigned you the task ${title}`;
    case 'task_watcher_added':
    case 'project_watcher_added':
      return `${who} added you as a watcher of the ${n.type.split('_')[0]} ${title}`;
    case 'task_watcher_removed':
    case 'project_watcher_removed':
      return `${who} removed you from the watchers of the ${n.type.split('_')[0]} ${title}`;
    case 'task_updated':
    case 'project_updated':
      return `${who} changed the ${n.type.split('_')[0]} ${title}, which you watch`;
    case 'review_requested':
      return `${who} asked for your review`;
    case 'changes_requested':
      return `${who} requested changes`;
    case 'approval_requested':
      return 'Your approval is requested';
    case 'approval_reminder':
      return 'Reminder: your approval is requested';
    case 'approval_answered':
      return `${who} answered your approval request`;
    case 'approval_completed':
      return 'Your approval request was approved';
    default:
      return n.type.replace(/_/g, ' ');
  }
}

/** Where a notification leads: its task's or project's page, else its asset's; nothing for another workspace's. */
function destination(n: Notification): string | null {
  if (n.workspace_id !== currentTenancy().workspaceId) {
    return null;
  }
  const id = (key: string): string | null => (typeof n.data[key] === 'string' ? (n.data[key] as string) : null);
  const task = id('task_id');
  const project = id('project_id');
  const asset = id('asset_id');
  if (task && n.type.startsWith('task_')) {
    return `/work/t/${task}`;
  }
  if (project && n.type.startsWith('project_')) {
    return `/projects/${project}`;
  }
  return asset ? `/a/${asset}` : null;
}

export function NotificationBell() {
  const members = useMembers();
  const [unread, setUnread] = useState<number | null>(null);
  const [open, setOpen] = useState(false);
  const [recent, setRecent] = useState<Notification[]>([]);
  const panelId = useId();

  const refresh = useCallback(() => {
    api<Notification[]>('GET', '/accounts/notifications', { query: { unread: true, limit: UNREAD_PAGE } }).then((l) => setUnread(l.length), () => undefined);
  }, []);

  const live = useLiveStatus() === 'live';
  useEffect(() => {
    refresh();
    // The stream tells of new notifications; polling is only the fallback while it is down.
    const timer = live ? undefined : setInterval(refresh, POLL_MS);
    const seen = () => document.visibilityState === 'visible' && refresh();
    document.addEventListener('visibilitychange', seen);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', seen);
    };
  }, [refresh, live]);

  const loadRecent = useCallback(() => {
    api<Notification[]>('GET', '/accounts/notifications', { query: { limit: 20 } }).then(setRecent, () => undefined);
    refresh();
  }, [refresh]);

  const countAgain = open ? loadRecent : refresh;
  useLiveEvents((m) => {
    if (m.event === 'notification' || m.event === 'reset') {
      countAgain();
    }
  });
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') {
      return;
    }
    const channel = new BroadcastChannel(READ_CHANNEL);
    channel.onmessage = () => countAgain();
    return () => channel.close();
  }, [countAgain]);

  async function openOne(n: Notification) {
    if (!n.read_at) {
      await api('POST', `/accounts/notifications/${n.id}/read`).catch(() => undefined);
      announceRead();
    }
    setOpen(false);
    refresh();
    const to = destination(n);
    if (to) {
      navigate(to);
    }
  }

  async function readAll() {
    await api('POST', '/accounts/notifications/read').catch(() => undefined);
    announceRead();
    loadRecent();
  }

  const count = unread ?? 0;
  return (
    <div className="bell">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={count > 0 ? `Notifications, ${count >= UNREAD_PAGE ? `${UNREAD_PAGE}+` : count} unread` : 'Notifications'}
        onClick={() => {
          setOpen((o) => !o);
          if (!open) {
            loadRecent();
          }
        }}
      >
        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {count > 0 && (
          <span className="badge" aria-hidden="true">
            {count >= UNREAD_PAGE ? `${UNREAD_PAGE}+` : count}
          </span>
        )}
      </button>
      {open && (
        <section id={panelId} className="bell-panel" aria-label="Notifications">
          <div className="bell-head">
            <h2>Notifications</h2>
            <button type="button" className="link" onClick={readAll} disabled={count === 0}>
              Mark all read
            </button>
          </div>
          {recent.length === 0 ? (
            <p className="muted">Nothing yet.</p>
          ) : (
            <ul>
              {recent.map((n) => (
                <li key={n.id} className={n.read_at ? undefined : 'unread'}>
                  <button type="button" className="link" onClick={() => void openOne(n)}>
                    {describe(n, members)}
                  </button>
                  <span className="muted"> · {new Date(n.created_at).toLocaleString()}</span>
                  {!n.read_at && <span className="sr-only"> (unread)</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
