import { sql, type Kysely } from 'kysely';
import type { BlobStat, BlobStore } from '../../blobs/blob-store.js';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';

/** Keys per reference query: well below SQLite's and PostgreSQL's bound-parameter limits. */
const BATCH = 500;

/** A column that holds blob keys. */
export interface BlobReference {
  table: string;
  column: string;
}

const isReferenceColumn = (name: string): boolean => name === 'blob_key' || name.endsWith('_blob_key');

/**
 * Every `blob_key` / `*_blob_key` column of the database, found by introspection, so a feature that adds such a
 * column (a library thumbnail, a comment attachment) is protected from the sweep without editing this file.
 */
export async function findBlobReferences(db: Kysely<DB>): Promise<BlobReference[]> {
  const tables = await db.introspection.getTables();
  return tables
    .filter((t) => !t.isView)
    .flatMap((t) => t.columns.filter((c) => isReferenceColumn(c.name)).map((c) => ({ table: t.name, column: c.name })))
    .sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
}

/** The keys among `keys` that some row references. */
export async function referencedKeys(db: Kysely<DB>, refs: readonly BlobReference[], keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const ref of refs) {
    // Raw SQL: the table and column come from introspection, which the typed builder cannot name. sql.table /
    // sql.ref quote them as identifiers and the keys are bound parameters, the same on both dialects.
    const rows = await sql<{ k: string }>`select distinct ${sql.ref(ref.column)} as k from ${sql.table(ref.table)} where ${sql.ref(ref.column)} in (${sql.join([...keys])})`.execute(db);
    for (const r of rows.rows) {
      found.add(r.k);
    }
  }
  return found;
}

export interface SweepReport {
  scanned: number;
  deleted: number;
  kept: number;
  tempRemoved: number;
}

/**
 * Deletes blobs that no row references and that are older than `graceSeconds` (a blob written by an upload whose
 * commit has not happened yet is young, hence safe), then temp files older than the grace period. Streams the
 * store's listing in batches, so memory does not grow with the store. Before each delete the blob is stat'ed again:
 * a dedup hit since the listing refreshes its modification time (disk: rename of a fresh file; S3: re-copy), and a
 * refreshed blob is kept.
 */
export async function sweepOrphanBlobs(deps: { db: Kysely<DB>; blobs: BlobStore; clock: Clock }, options: { graceSeconds: number; signal?: AbortSignal }): Promise<SweepReport> {
  const cutoff = new Date(deps.clock.now().getTime() - options.graceSeconds * 1000);
  const refs = await findBlobReferences(deps.db);
  const report: SweepReport = { scanned: 0, deleted: 0, kept: 0, tempRemoved: 0 };
  let batch: BlobStat[] = [];
  const flush = async (): Promise<void> => {
    const old = batch.filter((b) => b.modifiedAt < cutoff);
    report.kept += batch.length - old.length;
    batch = [];
    if (old.length === 0) {
      return;
    }
    const used = await referencedKeys(deps.db, refs, old.map((b) => b.key));
    for (const blob of old) {
      const now = used.has(blob.key) ? undefined : await deps.blobs.stat(blob.key);
      if (now && now.modifiedAt < cutoff) {
        await deps.blobs.delete(blob.key);
        report.deleted += 1;
      } else {
        report.kept += 1;
      }
    }
  };
  for await (const blob of deps.blobs.list()) {
    options.signal?.throwIfAborted();
    report.scanned += 1;
    batch.push(blob);
    if (batch.length >= BATCH) {
      await flush();
    }
  }
  await flush();
  report.tempRemoved = await deps.blobs.sweepTemp(cutoff);
  return report;
}
