import type { DeviceRow, ProductionSettingsRow } from '../../db/schema.js';

/** The media kinds a production has a default device for. */
export type DeviceKind = 'audio' | 'image' | 'video' | 'project' | 'upload';

/** The production setting naming the default device of each kind. */
export const DEFAULT_DEVICE_COLUMN = {
  audio: 'audioasset_device_id',
  image: 'imageasset_device_id',
  video: 'videoasset_device_id',
  project: 'projectasset_device_id',
  upload: 'upload_device_id',
} as const satisfies Record<DeviceKind, keyof ProductionSettingsRow>;

/** Whether two folder paths (`/a/b/` form) nest: one is the other or lies inside it. */
export const pathsNest = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);

/**
 * The device an asset lives on (spec §2.3.4 "creation side effects"): the device whose path is the longest prefix
 * of the asset's folder path, else the production's default device for the asset's kind, else none. Devices do not
 * nest, so at most one path matches; "longest" only makes the rule independent of that check.
 */
export function matchDevice(
  devices: readonly DeviceRow[],
  settings: Pick<ProductionSettingsRow, 'audioasset_device_id' | 'imageasset_device_id' | 'videoasset_device_id' | 'projectasset_device_id' | 'upload_device_id'> | undefined,
  asset: { folderPath: string; kind: DeviceKind },
): DeviceRow | undefined {
  let best: DeviceRow | undefined;
  for (const d of devices) {
    if (asset.folderPath.startsWith(d.path) && (!best || d.path.length > best.path.length)) {
      best = d;
    }
  }
  if (best) {
    return best;
  }
  const column = DEFAULT_DEVICE_COLUMN[asset.kind];
  const fallback = settings?.[column] ?? null;
  return fallback === null ? undefined : devices.find((d) => d.id === fallback);
}
