import type { HistoryEventRow, NotificationRow } from '../../db/schema.js';
import type { Deps } from '../context.js';
import { DomainError } from '../errors.js';
import { draftTaskCreators } from '../history/draft-visibility.js';
import {
  currentLivePosition,
  historyAfter,
  notificationsAfter,
  userNotificationsBetween,
  workspaceHistoryBetween,
  type LivePosition,
} from './live.repo.js';

/*
 * The live event stream's one tailer per API process (docs/live-updates.md). Several API processes and workers share
 * the database, so changes are read from it, not from in-process emitters: while at least one stream is open, one
 * poll loop reads the history events and notifications added since its position and hands each subscriber what is
 * its own (its workspace's history, its own notifications in its account). With no stream open it does not poll.
 *
 * Rows are released strictly in sequence order, so a subscriber's position (its event id) is a safe place to resume
 * from. On PostgreSQL a sequence is taken at INSERT and becomes visible at COMMIT, so a lower one can appear after a
 * higher one: a gap is held back until it fills, or for GAP_WAIT_MS (a rolled-back insert never fills its gap). On
 * SQLite one writer commits at a time, so a gap below a visible row is a rollback and is passed at once.
 */

export type LiveEvent = { kind: 'history'; row: HistoryEventRow } | { kind: 'notification'; row: NotificationRow };

export interface LiveSubscriber {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly userId: string;
  /** Delivers one event; `id` is the subscriber's position after it (its `Last-Event-ID` to resume from). */
  send(event: LiveEvent, id: string): void;
  /** Too much was missed to replay it (more than REPLAY_LIMIT rows): the client should read everything again. */
  reset(id: string): void;
}

export const POLL_MS = 1000;
const GAP_WAIT_MS = 3000;
const BATCH = 500;
/** Rows a reconnecting subscriber may catch up on per kind; past that it is told to reload. */
export const REPLAY_LIMIT = 500;
/** Open streams per user in one process (browser tabs); one more is refused with 429. */
export const MAX_STREAMS_PER_USER = 8;

/** `<history sequence>.<notification sequence>`, the stream's event ids. */
export function formatEventId(p: LivePosition): string {
  return `${p.history}.${p.notifications}`;
}

export function parseEventId(text: string): LivePosition | null {
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(text.trim());
  return m ? { history: Number(m[1]), notifications: Number(m[2]) } : null;
}

interface Entry {
  sub: LiveSubscriber;
  cursor: LivePosition;
  /** Live events that arrived while its replay was being read. */
  buffer: Array<{ event: LiveEvent; drafts: Drafts }> | null;
}

/**
 * Draft tasks among a batch's task events, with their creators: a draft is its creator's alone, so its events go to
 * no one else's stream (as GET /workspaces/history leaves them out: src/domain/history/draft-visibility.ts).
 */
type Drafts = Map<string, string | null>;
const NO_DRAFTS: Drafts = new Map();

function draftsAmong(deps: Pick<Deps, 'db'>, rows: readonly HistoryEventRow[]): Promise<Drafts> {
  const taskIds = rows.filter((r) => r.subject_type === 'task' && r.record_id !== null).map((r) => r.record_id as string);
  return taskIds.length === 0 ? Promise.resolve(NO_DRAFTS) : draftTaskCreators(deps.db, taskIds);
}

interface Source<R extends { sequence: number }> {
  read: (after: number) => Promise<R[]>;
  kind: LiveEvent['kind'];
  /** When the gap above the released position was first seen. */
  gapSince: number | null;
}

export class LiveFeed {
  private readonly entries = new Set<Entry>();
  private position: LivePosition | null = null;
  private starting: Promise<LivePosition> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private closed = false;
  private readonly history: Source<HistoryEventRow>;
  private readonly notifications: Source<NotificationRow>;

  constructor(
    private readonly deps: Pick<Deps, 'db' | 'dialect' | 'log'>,
    private readonly options: { pollMs?: number } = {},
  ) {
    this.history = { kind: 'history', gapSince: null, read: (after) => historyAfter(deps.db, after, BATCH) };
    this.notifications = { kind: 'notification', gapSince: null, read: (after) => notificationsAfter(deps.db, after, BATCH) };
  }

  /** How many streams the user has open in this process. */
  countOf(userId: string): number {
    let n = 0;
    for (const e of this.entries) {
      if (e.sub.userId === userId) {
        n += 1;
      }
    }
    return n;
  }

  /**
   * Adds a subscriber; with `resumeFrom` (its Last-Event-ID) it first gets what it missed. Resolves to its starting
   * event id once it receives live events. Returns a function that removes it.
   */
  async join(sub: LiveSubscriber, resumeFrom: LivePosition | null): Promise<{ id: string; leave: () => void }> {
    if (this.closed) {
      throw new DomainError('unavailable', 'shutting_down', 'This server is shutting down; connect again.');
    }
    if (this.countOf(sub.userId) >= MAX_STREAMS_PER_USER) {
      throw new DomainError('rate_limited', 'too_many_streams', `At most ${MAX_STREAMS_PER_USER} event streams per user may be open; close one first.`, {
        retryAfterSeconds: 5,
      });
    }
    const entry: Entry = { sub, cursor: { history: 0, notifications: 0 }, buffer: [] };
    // Registered before the first await, so the cap holds for streams opened at the same moment.
    this.entries.add(entry);
    const leave = () => {
      this.entries.delete(entry);
      if (this.entries.size === 0) {
        this.stop();
      }
    };
    try {
      const at = { ...(await this.start()) };
      entry.cursor = resumeFrom ? { ...resumeFrom } : at;
      if (resumeFrom) {
        await this.replay(entry, at);
      }
      if (this.closed) {
        // The server began to close while this one was joining: the streams it ended did not include this one.
        throw new DomainError('unavailable', 'shutting_down', 'This server is shutting down; connect again.');
      }
      const buffered = entry.buffer ?? [];
      entry.buffer = null;
      for (const { event, drafts } of buffered) {
        this.deliver(entry, event, drafts);
      }
      return { id: formatEventId(entry.cursor), leave };
    } catch (err) {
      leave();
      throw err;
    }
  }

  /** Ends polling for good (server shutdown); the streams themselves are ended by their owners. */
  close(): void {
    this.closed = true;
    this.stop();
    this.entries.clear();
  }

  private async replay(entry: Entry, upTo: LivePosition): Promise<void> {
    const { sub, cursor } = entry;
    const [history, notes] = await Promise.all([
      cursor.history < upTo.history
        ? workspaceHistoryBetween(this.deps.db, { workspaceId: sub.workspaceId, after: cursor.history, upTo: upTo.history, limit: REPLAY_LIMIT + 1 })
        : Promise.resolve([]),
      cursor.notifications < upTo.notifications
        ? userNotificationsBetween(this.deps.db, { accountId: sub.accountId, userId: sub.userId, after: cursor.notifications, upTo: upTo.notifications, limit: REPLAY_LIMIT + 1 })
        : Promise.resolve([]),
    ]);
    if (history.length > REPLAY_LIMIT || notes.length > REPLAY_LIMIT) {
      entry.cursor = { history: Math.max(cursor.history, upTo.history), notifications: Math.max(cursor.notifications, upTo.notifications) };
      sub.reset(formatEventId(entry.cursor));
      return;
    }
    const drafts = await draftsAmong(this.deps, history);
    for (const row of history) {
      this.deliver(entry, { kind: 'history', row }, drafts, true);
    }
    for (const row of notes) {
      this.deliver(entry, { kind: 'notification', row }, NO_DRAFTS, true);
    }
    // Past what it missed: the rows between its position and ours were none of its business.
    entry.cursor = { history: Math.max(entry.cursor.history, upTo.history), notifications: Math.max(entry.cursor.notifications, upTo.notifications) };
  }

  private start(): Promise<LivePosition> {
    if (this.position) {
      return Promise.resolve(this.position);
    }
    this.starting ??= currentLivePosition(this.deps.db).then(
      (p) => {
        this.starting = null;
        if (!this.position) {
          this.position = p;
          this.schedule();
        }
        return this.position;
      },
      (err: unknown) => {
        this.starting = null;
        throw err;
      },
    );
    return this.starting;
  }

  private stop(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    // Without subscribers nobody needs the position kept; the next one starts at the then current end.
    if (!this.polling) {
      this.position = null;
    }
  }

  private schedule(): void {
    if (this.closed || this.timer || this.entries.size === 0) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll();
    }, this.options.pollMs ?? POLL_MS);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (this.polling || !this.position) {
      return;
    }
    this.polling = true;
    try {
      // A whole batch means there may be more: read again at once, up to 10 batches of each per turn.
      for (let i = 0; i < 10; i++) {
        const moreHistory = await this.pollSource(this.history, 'history');
        const moreNotifications = await this.pollSource(this.notifications, 'notifications');
        if ((!moreHistory && !moreNotifications) || this.closed) {
          break;
        }
      }
    } catch (err) {
      this.deps.log.warn({ err }, 'live event tailer: reading new events failed; trying again');
    } finally {
      this.polling = false;
      if (this.entries.size === 0) {
        this.position = null;
      } else {
        this.schedule();
      }
    }
  }

  /** Releases the source's new rows in order; true when a whole batch came (there may be more). */
  private async pollSource<R extends { sequence: number }>(source: Source<R>, key: keyof LivePosition): Promise<boolean> {
    const pos = this.position;
    if (!pos) {
      return false;
    }
    const rows = await source.read(pos[key]);
    const drafts = source.kind === 'history' ? await draftsAmong(this.deps, rows as unknown as HistoryEventRow[]) : NO_DRAFTS;
    const gapsAreFinal = this.deps.dialect.name === 'sqlite';
    for (const row of rows) {
      if (row.sequence !== pos[key] + 1 && !gapsAreFinal) {
        const now = Date.now();
        source.gapSince ??= now;
        if (now - source.gapSince < GAP_WAIT_MS) {
          return false; // wait for the lower sequence's transaction to commit (or to have rolled back)
        }
      }
      source.gapSince = null;
      pos[key] = row.sequence;
      const event = { kind: source.kind, row } as LiveEvent;
      for (const entry of this.entries) {
        this.deliver(entry, event, drafts);
      }
    }
    return rows.length === BATCH;
  }

  /** `replaying`: the subscriber's own missed rows, sent before the live ones it buffers meanwhile. */
  private deliver(entry: Entry, event: LiveEvent, drafts: Drafts, replaying = false): void {
    if (entry.buffer && !replaying) {
      entry.buffer.push({ event, drafts });
      return;
    }
    const { sub, cursor } = entry;
    const key = event.kind === 'history' ? 'history' : 'notifications';
    if (event.row.sequence <= cursor[key]) {
      return;
    }
    cursor[key] = event.row.sequence;
    const mine =
      event.kind === 'history'
        ? event.row.workspace_id === sub.workspaceId && !(drafts.has(event.row.record_id ?? '') && drafts.get(event.row.record_id ?? '') !== sub.userId)
        : event.row.user_id === sub.userId && event.row.account_id === sub.accountId;
    if (mine) {
      sub.send(event, formatEventId(cursor));
    }
  }
}
