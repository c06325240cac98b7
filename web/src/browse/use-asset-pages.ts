import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Query } from '../api/client';
import type { Asset, SearchPage } from '../api/types';
import { useLiveAssetUpdates } from '../live/live-assets';

const PAGE = 200;
/**
 * The first page is smaller: it is what the first thumbnails wait for, and the server's cost grows with the page
 * (bench/web on 100,000 assets: 0.02 s for 50 assets, 0.3 s for 200 on a loaded machine). 60 fill a 1920x1080 grid.
 */
const FIRST_PAGE = 60;

/**
 * Assets matching the filters, paged from GET /workspaces/assets/search with its cursor. Pages are fetched as the
 * grid scrolls near the end of what is loaded, so a workspace of 100,000 assets costs one page up front.
 */
export function useAssetPages(filters: Query) {
  const key = JSON.stringify(filters);
  const [items, setItems] = useState<Asset[]>([]);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cursor = useRef<string | null>(null);
  const generation = useRef(0);
  const inFlight = useRef(false);

  const loadMore = useCallback(async () => {
    if (inFlight.current) {
      return;
    }
    const gen = generation.current;
    inFlight.current = true;
    setLoading(true);
    try {
      const page = await api<SearchPage>('GET', '/workspaces/assets/search', { query: { ...(JSON.parse(key) as Query), limit: cursor.current ? PAGE : FIRST_PAGE, cursor: cursor.current ?? undefined } });
      if (gen !== generation.current) {
        return;
      }
      cursor.current = page.next_cursor;
      // An asset the live stream already put at the top (web/src/live/live-assets.ts) is not shown twice.
      setItems((prev) => {
        const have = new Set(prev.map((a) => a.id));
        return [...prev, ...page.assets.filter((a) => !have.has(a.id))];
      });
      setDone(page.next_cursor === null);
    } catch (err) {
      if (gen === generation.current) {
        setError(err instanceof Error ? err.message : String(err));
        setDone(true);
      }
    } finally {
      if (gen === generation.current) {
        inFlight.current = false;
        setLoading(false);
      }
    }
  }, [key]);

  const reload = useCallback(() => {
    generation.current += 1;
    inFlight.current = false;
    cursor.current = null;
    setItems([]);
    setDone(false);
    setError(null);
  }, []);

  useEffect(() => {
    reload();
  }, [key, reload]);

  useEffect(() => {
    if (items.length === 0 && !done && !inFlight.current) {
      void loadMore();
    }
  }, [items.length, done, loadMore]);

  // Thumbnails that jobs finish, and other people's changes, arrive by the live stream (web/src/live).
  const firstPage = useCallback(
    () => api<SearchPage>('GET', '/workspaces/assets/search', { query: { ...(JSON.parse(key) as Query), limit: FIRST_PAGE } }).then((p) => p.assets),
    [key],
  );
  useLiveAssetUpdates({ items, setItems, firstPage });

  return { items, done, loading, error, loadMore, reload };
}
