import { useEffect, useRef, useState } from 'react';
import { apiHeaders } from '../api/client';

/*
 * The live event stream (GET /workspaces/events/stream, docs/live-updates.md): one per tab, for the chosen workspace.
 * Read with fetch rather than EventSource because the tenancy is in headers (x-account-id, x-workspace-id), which an
 * EventSource cannot send, and because fetch shows the status (401: signed out, 429: too many tabs). It reconnects
 * with the last event id, so nothing is missed across a dropped connection; until it is back, `useLiveStatus()` says
 * 'down' and the pages that need it poll slowly instead.
 */

export interface LiveHistoryEvent {
  id: string;
  type: string;
  workspace_id: string;
  asset_id: string | null;
  user_id: string | null;
  record_id: string | null;
  data: Record<string, unknown>;
  created_at: string;
  sequence: number;
}

export type LiveMessage =
  | { event: 'history'; data: LiveHistoryEvent }
  | { event: 'notification'; data: { id: string; type: string; user_id: string; data: Record<string, unknown> } }
  /** More was missed than the server replays: read again whatever is shown. Also sent after every reconnect. */
  | { event: 'reset'; data: Record<string, never> };

export type LiveStatus = 'connecting' | 'live' | 'down';

const listeners = new Set<(m: LiveMessage) => void>();
const statusListeners = new Set<(s: LiveStatus) => void>();
let status: LiveStatus = 'down';

function setStatus(s: LiveStatus): void {
  if (s !== status) {
    status = s;
    statusListeners.forEach((fn) => fn(s));
  }
}

function dispatch(m: LiveMessage): void {
  listeners.forEach((fn) => {
    try {
      fn(m);
    } catch {
      // one page's handler failing must not stop the others
    }
  });
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** Reads one connection until it ends; returns the last event id seen. */
async function readStream(body: ReadableStream<Uint8Array>, lastId: string | null, reconnected: boolean): Promise<string | null> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return lastId;
    }
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = 'message';
      let data = '';
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) {
          event = line.slice(6).trim();
        } else if (line.startsWith('id:')) {
          lastId = line.slice(3).trim();
        } else if (line.startsWith('data:')) {
          data += line.slice(5).trimStart();
        }
      }
      if (event === 'ready') {
        setStatus('live');
        // After a gap the replay brought what was missed; a reset also makes counters read again.
        if (reconnected) {
          dispatch({ event: 'reset', data: {} });
        }
      } else if ((event === 'history' || event === 'notification' || event === 'reset') && data) {
        dispatch({ event, data: JSON.parse(data) } as LiveMessage);
      }
    }
  }
}

/** Opens the stream for the current tenancy and keeps it open until the returned function is called. */
export function connectLive(): () => void {
  const stop = new AbortController();
  void (async () => {
    let lastId: string | null = null;
    let failures = 0;
    let connected = false;
    while (!stop.signal.aborted) {
      setStatus('connecting');
      let wait = 0;
      try {
        const res = await fetch('/workspaces/events/stream', {
          headers: apiHeaders('GET', lastId ? { 'last-event-id': lastId, accept: 'text/event-stream' } : { accept: 'text/event-stream' }),
          credentials: 'same-origin',
          signal: stop.signal,
        });
        if (res.status === 401) {
          setStatus('down');
          return; // signed out: the app's next request sends the person to sign-in
        }
        if (res.status === 400) {
          lastId = null; // an id the server does not take: start afresh
        }
        if (res.status === 429) {
          wait = 30_000; // too many tabs: this one polls
        }
        if (res.ok && res.body) {
          failures = 0;
          lastId = await readStream(res.body, lastId, connected);
          connected = true;
        }
      } catch {
        // network error or aborted
      }
      if (stop.signal.aborted) {
        break;
      }
      setStatus('down');
      failures += 1;
      await sleep(wait || Math.min(30_000, 500 * 2 ** Math.min(failures, 6)) + Math.random() * 500, stop.signal);
    }
  })();
  return () => {
    stop.abort();
    setStatus('down');
  };
}

/** Calls `handler` with every live event while the component is mounted (the latest handler, without resubscribing). */
export function useLiveEvents(handler: (m: LiveMessage) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const fn = (m: LiveMessage) => ref.current(m);
    listeners.add(fn);
    return () => {
      listeners.delete(fn);
    };
  }, []);
}

/**
 * Calls `load` again when the stream brings a history event that `matches` accepts (or a reset, after a gap): events
 * close together (a change often writes several) load once, `settleMs` after the last.
 */
export function useLiveReload(matches: (e: LiveHistoryEvent) => boolean, load: () => unknown, settleMs = 200): void {
  const [changed, setChanged] = useState(0);
  useLiveEvents((m) => {
    if (m.event === 'reset' || (m.event === 'history' && matches(m.data))) {
      setChanged((n) => n + 1);
    }
  });
  useEffect(() => {
    if (changed === 0) {
      return;
    }
    const t = setTimeout(() => void load(), settleMs);
    return () => clearTimeout(t);
  }, [changed, load, settleMs]);
}

/** Whether the stream is live; pages poll while it is not. */
export function useLiveStatus(): LiveStatus {
  const [s, setS] = useState(status);
  useEffect(() => {
    setS(status);
    statusListeners.add(setS);
    return () => {
      statusListeners.delete(setS);
    };
  }, []);
  return s;
}

/** Renders nothing; keeps the tab's one stream open for the workspace it is mounted for (remount on a switch). */
export function LiveConnection(): null {
  useEffect(() => connectLive(), []);
  return null;
}
