import type { UserRow } from '../db/schema.js';
import type { Ctx } from './context.js';

/*
 * What the core API's watcher routes of tasks and projects share: their answer (whether the caller watches, and who
 * does) and `me` for the caller. The rules of who may change whom stay with each kind's service.
 */

/** The most watchers the core API lists for one item (watchers are a handful; the list is not paged). */
export const CORE_WATCHERS_MAX = 500;

export interface WatchersView {
  watching: boolean;
  watchers: UserRow[];
}

export const watchersView = (ctx: Ctx, watchers: UserRow[]): WatchersView => ({ watching: watchers.some((u) => u.id === ctx.actor.userId), watchers });

/** A user id from a path, where `me` is the caller. */
export const meOr = (ctx: Ctx, userId: string): string => (userId === 'me' ? ctx.actor.userId : userId);
