import type { Kysely } from 'kysely';
import type { BlobStore } from '../../blobs/blob-store.js';
import type { DB } from '../../db/schema.js';
import { deletePartsById, isSessionCommittable, listPartsOfCommittedSessions } from '../uploads/upload-sessions.repo.js';
import { findBlobReferences, referencedKeys } from './blob-sweep.service.js';

/** Part rows handled per round. */
const BATCH = 500;

export interface ReclaimReport {
  /** Temp files of writers that died (partial puts, chunks, adopt claims put back). */
  tempFiles: number;
  /** Whole blobs of uploads whose process died before their commit. */
  blobs: number;
  /** tus parts left behind by a process that died after committing them. */
  parts: number;
}

/**
 * Reclaims what processes killed mid-upload left (docs/crash-recovery.md), without waiting for the day-long sweep:
 * their temp files, the blobs of their uploads that never committed, and the parts of tus uploads committed just
 * before the kill. Only what a dead process provably owned: a live process's upload on shared storage is never
 * touched. Run at every start and by the hourly `blobs.sweep`. Idempotent, and safe to run in several processes at once.
 */
export async function reclaimCrashLeftovers(deps: { db: Kysely<DB>; blobs: BlobStore }): Promise<ReclaimReport> {
  const report: ReclaimReport = { tempFiles: await deps.blobs.reclaimCrashLeftovers(), blobs: 0, parts: 0 };
  const holds = await deps.blobs.listDeadHolds();
  const refs = holds.length > 0 ? await findBlobReferences(deps.db) : [];
  for (const hold of holds) {
    // A presigned upload's adopted bytes: its retried commit finds them by checksum while the upload is not over.
    if (hold.uploadId !== undefined && (await isSessionCommittable(deps.db, hold.uploadId))) {
      continue;
    }
    const wanted = async (): Promise<boolean> => (await referencedKeys(deps.db, refs, [hold.key])).size > 0;
    if (await deps.blobs.reapDeadHold(hold, wanted)) {
      report.blobs += 1;
    }
  }
  for (;;) {
    const parts = await listPartsOfCommittedSessions(deps.db, BATCH);
    for (const part of parts) {
      await deps.blobs.deleteTemp(part.id);
    }
    await deletePartsById(deps.db, parts.map((p) => p.id));
    report.parts += parts.length;
    if (parts.length < BATCH) {
      break;
    }
  }
  return report;
}
