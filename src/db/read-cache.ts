import type { Kysely } from 'kysely';
import { BoundedMap } from '../lib/bounded-map.js';

/**
 * Memoised reads that stay valid until the database may have changed. The hot lookups of every request (the
 * caller's key, user and roles; the current workspace) are answered from memory while nothing was written, and
 * read again after any write, so a revoked key or a removed member is refused on the very next request.
 */
export interface ReadCache {
  /**
   * `load()`'s result, or the one remembered under `key` if no write happened since it was loaded. A hit is returned
   * as is, not wrapped in a promise: this runs on every request, and callers `await` either.
   */
  get<T>(db: Kysely<any>, key: string, load: () => Promise<T>): T | Promise<T>;
}

/** Always loads: for databases whose writes this process cannot see cheaply (PostgreSQL, written by many processes). */
export const noReadCache: ReadCache = {
  get: (_db, _key, load) => load(),
};

/**
 * "Has anything changed?" for SQLite, in two counters: SQLite's `data_version`, which moves when another connection
 * (a worker, the CLI, another API process) commits, and this process's own write statements, counted as the
 * connection prepares them. `undefined` when the connection cannot answer right now (busy streaming a query).
 */
export type ChangeStamp = () => string | undefined;

interface Entry {
  stamp: string;
  value: unknown;
}

export function stampedReadCache(stamp: ChangeStamp, max = 10_000): ReadCache {
  const entries = new BoundedMap<string, Entry>(max);
  return {
    get<T>(db: Kysely<any>, key: string, load: () => Promise<T>): T | Promise<T> {
      // Inside a transaction a read may see the transaction's own uncommitted writes: never remember those.
      if (db.isTransaction) {
        return load();
      }
      // Stamped before loading: a write that lands while the load runs leaves an entry that is already stale.
      const before = stamp();
      if (before === undefined) {
        return load();
      }
      const hit = entries.get(key);
      if (hit && hit.stamp === before) {
        return hit.value as T;
      }
      return load().then((value) => {
        entries.set(key, { stamp: before, value });
        return value;
      });
    },
  };
}
