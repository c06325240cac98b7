import { useEffect, useRef, type Dispatch, type SetStateAction } from 'react';
import { api, ApiError } from '../api/client';
import type { Asset } from '../api/types';
import { useLiveEvents } from './live';

/** Events that bring an asset into a list it was not in. */
const ARRIVALS = new Set(['asset_created', 'asset_restored']);
/** Events after which an asset is no longer in the workspace's lists. */
const DEPARTURES = new Set(['asset_deleted', 'asset_purged']);
/** Events arriving close together are handled as one batch (an upload writes several). */
const SETTLE_MS = 250;
/** At most this many assets are read again per batch; the rest keep what they show until the next change. */
const MAX_REFRESH = 30;

/**
 * Keeps a loaded list of assets (the browse grid) current from the live stream: an asset in the list that changed
 * (its thumbnail was made, it was renamed, tagged, locked, given a status...) is read again and replaced in place; a
 * trashed one leaves; when an asset is added to the workspace, the first page is read again and what is new in it is
 * put at the top, so nothing jumps under the pointer and the pages loaded below stay as they are.
 */
export function useLiveAssetUpdates(p: { items: readonly Asset[]; setItems: Dispatch<SetStateAction<Asset[]>>; firstPage: () => Promise<Asset[]> }): void {
  const latest = useRef(p);
  latest.current = p;
  const pending = useRef<{ changed: Set<string>; arrived: boolean; timer: ReturnType<typeof setTimeout> | null }>({ changed: new Set(), arrived: false, timer: null });

  useEffect(
    () => () => {
      if (pending.current.timer) {
        clearTimeout(pending.current.timer);
      }
    },
    [],
  );

  async function flush() {
    const batch = pending.current;
    const changed = [...batch.changed];
    const arrived = batch.arrived;
    pending.current = { changed: new Set(), arrived: false, timer: null };
    const { items, setItems, firstPage } = latest.current;
    const shown = new Set(items.map((a) => a.id));
    const toRead = changed.filter((id) => shown.has(id)).slice(0, MAX_REFRESH);
    const read = await Promise.all(
      toRead.map((id) =>
        api<Asset>('GET', `/workspaces/assets/${id}`).then(
          (a): [string, Asset | null] => [id, a],
          (err: unknown): [string, Asset | null | undefined] => [id, err instanceof ApiError && err.status === 404 ? null : undefined],
        ),
      ),
    );
    const fresh = arrived ? await firstPage().catch(() => null) : null;
    setItems((prev) => {
      const byId = new Map(read);
      let next = prev.flatMap((a) => {
        const r = byId.get(a.id);
        return r === null ? [] : [r ?? a];
      });
      if (fresh) {
        const have = new Set(next.map((a) => a.id));
        const added = fresh.filter((a) => !have.has(a.id));
        if (added.length > 0) {
          next = [...added, ...next];
        }
      }
      return next;
    });
  }

  useLiveEvents((m) => {
    const batch = pending.current;
    if (m.event === 'reset') {
      batch.arrived = true;
      latest.current.items.slice(0, MAX_REFRESH).forEach((a) => batch.changed.add(a.id));
    } else if (m.event === 'history' && m.data.asset_id) {
      if (DEPARTURES.has(m.data.type)) {
        const gone = m.data.asset_id;
        latest.current.setItems((prev) => prev.filter((a) => a.id !== gone));
        return;
      }
      batch.changed.add(m.data.asset_id);
      if (ARRIVALS.has(m.data.type)) {
        batch.arrived = true;
      }
    } else {
      return;
    }
    batch.timer ??= setTimeout(() => void flush(), SETTLE_MS);
  });
}
