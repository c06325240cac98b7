import type { Kysely } from 'kysely';
import type { DB, DeviceRow } from '../../db/schema.js';
import { listWorkspaceDevices } from '../productions/devices.repo.js';
import { matchDevice } from '../productions/devices.rules.js';
import { findProductionSettings } from '../productions/productions.repo.js';

/*
 * The medialoopster device (storage root) a bundle lies on: the production's device whose path is a prefix of the
 * bundle root, else its default project-asset device (src/domain/productions/devices.rules.ts, matchDevice).
 */

/** The device of a bundle root in the workspace (by path, else the default project-asset device); undefined when none. */
export async function deviceOfBundle(db: Kysely<DB>, p: { workspaceId: string; path: string }): Promise<DeviceRow | undefined> {
  const [devices, settings] = await Promise.all([listWorkspaceDevices(db, { workspaceId: p.workspaceId }), findProductionSettings(db, { workspaceId: p.workspaceId })]);
  return matchDevice(devices, settings, { folderPath: p.path, kind: 'project' });
}

/** The id of the device of `path` in the workspace; null when none. */
export async function findDeviceFor(db: Kysely<DB>, p: { workspaceId: string; path: string }): Promise<string | null> {
  return (await deviceOfBundle(db, p))?.id ?? null;
}

/** Whether `path` lies on one of the workspace's devices (by path prefix only). */
export async function isOnDevice(db: Kysely<DB>, p: { workspaceId: string; path: string }): Promise<boolean> {
  return (await listWorkspaceDevices(db, { workspaceId: p.workspaceId })).some((d) => p.path.startsWith(d.path));
}

/** Device UUID to integer id. */
export async function deviceSequences(db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) {
    return new Map();
  }
  const rows = await db.selectFrom('devices').select(['id', 'sequence']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, Number(r.sequence)]));
}
