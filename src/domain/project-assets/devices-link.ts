import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/*
 * The medialoopster device (storage root) a bundle root lies on. Devices are another part of the surface; until
 * their table is merged no device is known and project assets carry none.
 */

/** The id of the workspace's device whose path is a prefix of `path`; null when none. */
export async function findDeviceFor(_db: Kysely<DB>, _p: { workspaceId: string; path: string }): Promise<string | null> {
  return null;
}

/** Device UUID to integer id. */
export async function deviceSequences(_db: Kysely<DB>, _ids: readonly string[]): Promise<Map<string, number>> {
  return new Map();
}
