import { newId } from '../lib/ids.js';
import { OWNER_TAG, writtenByDeadProcess } from '../lib/process-owner.js';
import type { BlobKey, DeadHold } from './blob-store.js';

/*
 * Holds (PutOptions.hold), the same on every store: an empty temp entry `<key>.hold-<uploadId|none>-<uuid>.<OWNER_TAG>`
 * made before an upload's blob reaches its address and removed once a committed row references it, so a hold whose
 * writer died names a blob that may be no one's (docs/crash-recovery.md).
 */

const HOLD = /^([0-9a-f]{64})\.hold-([0-9a-f-]{36}|none)-[0-9a-f-]{36}\.w-\d+-[0-9a-f]{8}-[0-9a-f]{8}$/;

export const isHoldName = (name: string): boolean => HOLD.test(name);

/** A new hold's name for `key`, owned by this process. */
export const holdName = (key: BlobKey, uploadId: string | undefined): string => `${key}.hold-${uploadId ?? 'none'}-${newId()}.${OWNER_TAG}`;

/** Where a reaper parks a dead hold's blob while it makes its last checks; a dead reaper's is put back. */
export const reapName = (key: BlobKey): string => `${key}.reap-${newId()}.${OWNER_TAG}`;

/** The blob key of a parked blob (reapName), or undefined. */
export const reapedKey = (name: string): string | undefined => /^([0-9a-f]{64})\.reap-/.exec(name)?.[1];

/** The dead holds among temp entry names. */
export function deadHolds(names: string[]): DeadHold[] {
  return names.filter((n) => HOLD.test(n) && writtenByDeadProcess(n)).map((id) => {
    const m = HOLD.exec(id);
    const uploadId = m?.[2];
    return { id, key: m?.[1] ?? '', uploadId: uploadId === 'none' ? undefined : uploadId };
  });
}

/** Whether a process still alive holds `key` (a hold other than `except`). */
export const liveHoldOf = (names: string[], key: BlobKey, except: string): boolean =>
  names.some((n) => n.startsWith(`${key}.hold-`) && n !== except && HOLD.test(n) && !writtenByDeadProcess(n));

/** Temp entries of writers that died, holds excepted (those are judged one by one). */
export const deadWriterEntries = (names: string[]): string[] => names.filter((n) => !HOLD.test(n) && writtenByDeadProcess(n));
