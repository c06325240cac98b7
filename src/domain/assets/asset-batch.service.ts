import { Readable } from 'node:stream';
import { requirePermission } from '../access.js';
import { requestEventDispatch } from '../events/request-dispatch.js';
import { reindexAssets } from '../search/search-index.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { assetPathLockKey, commitPrepared, prepareCommit, type BatchMemo, type PreparedCommit } from '../uploads/commit.service.js';
import { receiveFile, releaseHold, type ReceivedFile } from '../uploads/receive.js';
import { assertWithinLimit, uploadLimit } from '../uploads/upload-limit.js';
import { cleanDescription, cleanFileName, cleanFolder, cleanName } from './assets.rules.js';
import { viewAssets, type AssetView } from './assets.service.js';

/*
 * Several small files in one request, committed in one transaction (POST /workspaces/assets/batch; docs/api-core.md,
 * "Batch upload"). Each file goes through what a single upload does (the account's upload limit, the declared size
 * and SHA-256 checked by the blob store as the bytes arrive, the same name rules, "same folder and name = new
 * version", the same rows, jobs, history and search index); the batch only saves the per-request and
 * per-transaction costs, which dominate for small files. All or nothing: one refused file refuses the batch and no
 * row is written.
 */

/** The most files one batch may carry. */
export const BATCH_MAX_FILES = 100;

/** One manifest entry: the single upload's fields, by folder and name (no asset_id). */
export interface BatchEntry {
  fileName: string;
  fileLocation?: string | undefined;
  name?: string | undefined;
  description?: string | undefined;
  versionName?: string | undefined;
  versionDescription?: string | undefined;
  checksum?: string | undefined;
  size?: number | undefined;
}

/** How the surface hands the request to the domain: the manifest first, then each file's bytes in order. */
export interface BatchSource {
  /** The request body's length when announced (Content-Length). */
  bodyBytes?: number | undefined;
  read(handlers: {
    /** Called once with the manifest, before any file is read; throws to refuse the batch. */
    manifest(entries: BatchEntry[]): void;
    /** Stores the `index`-th file (which must be consumed). */
    file(index: number, stream: Readable): Promise<void>;
  }): Promise<void>;
}

const field = (i: number, name: string): string => `manifest/${i}/${name}`;

/** The checks that need neither the bytes nor the database, so a bad entry stores nothing. */
function checkEntries(entries: BatchEntry[], limit: number): void {
  if (entries.length === 0 || entries.length > BATCH_MAX_FILES) {
    throw errors.invalidField('body', 'manifest', `must list 1 to ${BATCH_MAX_FILES} files`);
  }
  entries.forEach((e, i) => {
    cleanFileName(e.fileName, field(i, 'file_name'), 'body');
    cleanFolder(e.fileLocation, field(i, 'file_location'), 'body');
    if (e.name !== undefined) cleanName(e.name, field(i, 'name'), 'body');
    if (e.versionName !== undefined) cleanName(e.versionName, field(i, 'version_name'), 'body');
    cleanDescription(e.description ?? '', field(i, 'description'), 'body');
    cleanDescription(e.versionDescription ?? '', field(i, 'version_description'), 'body');
    assertWithinLimit(limit, e.size);
  });
}

/** Files up to this size are read into memory and stored while the next ones arrive; larger ones are streamed. */
const BUFFERED_FILE_BYTES = 1024 * 1024;
/** The most buffered files of one request being stored at once. */
const STORES_IN_FLIGHT = 16;

/**
 * The file's bytes when it ends within BUFFERED_FILE_BYTES; else a stream of all of it (what was read, then the
 * rest), to be stored as it arrives.
 */
async function smallOrStream(stream: Readable): Promise<Buffer | Readable> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  for (;;) {
    const step = await it.next();
    if (step.done) {
      return Buffer.concat(chunks, bytes);
    }
    chunks.push(step.value);
    bytes += step.value.length;
    if (bytes > BUFFERED_FILE_BYTES) {
      async function* all(): AsyncGenerator<Buffer> {
        yield* chunks;
        for (let next = await it.next(); !next.done; next = await it.next()) {
          yield next.value;
        }
      }
      return Readable.from(all(), { objectMode: false });
    }
  }
}

/** POST /workspaces/assets/batch: the assets, in manifest order (a path listed twice gets two versions). */
export async function uploadAssetBatch(ctx: Ctx, source: BatchSource): Promise<AssetView[]> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  const limit = await uploadLimit(ctx, scopedAccountId(ctx));
  let entries: BatchEntry[] = [];
  // Stored files by manifest index; small ones are stored while the next parts arrive (their fsyncs overlap).
  const stores: Array<Promise<ReceivedFile>> = [];
  const inFlight = new Set<Promise<unknown>>();
  // The first store that failed: the batch is refused without reading (and storing) the rest.
  let failure: { err: unknown } | undefined;
  try {
    await source.read({
      manifest(list) {
        checkEntries(list, limit);
        const total = list.reduce((n, e) => n + (e.size ?? 0), 0);
        if (source.bodyBytes !== undefined && list.every((e) => e.size !== undefined) && total > source.bodyBytes) {
          throw errors.invalidField('body', 'manifest', 'declares more bytes than the request carries');
        }
        entries = list;
      },
      async file(index, stream) {
        if (failure) {
          stream.resume();
          throw failure.err;
        }
        const entry = entries[index];
        if (entries.length === 0) {
          stream.resume();
          throw errors.invalidField('body', 'manifest', 'is required, before the files');
        }
        if (!entry) {
          stream.resume();
          throw errors.invalidField('body', 'file', `more files than the manifest lists (${entries.length})`);
        }
        const body = await smallOrStream(stream);
        const stored = receiveFile(ctx, body, entry.fileName, { sha256: entry.checksum, size: entry.size }, { limit, hold: true });
        stores[index] = stored;
        if (!Buffer.isBuffer(body)) {
          await stored;
          return;
        }
        const settled: Promise<unknown> = stored.then(
          () => inFlight.delete(settled),
          (err: unknown) => {
            failure ??= { err };
            inFlight.delete(settled);
          },
        );
        inFlight.add(settled);
        if (inFlight.size >= STORES_IN_FLIGHT) {
          await Promise.race(inFlight);
        }
      },
    });
    const files = await Promise.all(stores);
    if (entries.length === 0) {
      throw errors.invalidField('body', 'manifest', 'is required, before the files');
    }
    if (files.length !== entries.length) {
      throw errors.invalidField('body', 'file', `the manifest lists ${entries.length} files, the request carried ${files.length}`);
    }
    const prepared: PreparedCommit[] = entries.map((e, i) => {
      const file = files[i] as ReceivedFile;
      return prepareCommit(ctx, {
        workspaceId,
        blob: file.blob,
        contentType: file.contentType,
        originalFileName: e.fileName,
        declared: { sha256: e.checksum, size: e.size },
        target: { newAsset: { name: e.name, fileLocation: e.fileLocation, description: e.description } },
        versionName: e.versionName,
        description: e.versionDescription,
        fieldsIn: 'body',
      });
    });
    const results = await inTransaction(ctx, async (tx) => {
      // Every path's lock first, in one order: two batches (PostgreSQL) then never wait on each other in a cycle.
      const keys = [...new Set(prepared.map((p) => assetPathLockKey(workspaceId, p.fileLocation as string, p.fileName)))].sort();
      for (const key of keys) {
        await tx.dialect.lockKey(tx.db, key);
      }
      const out = [];
      const batch: BatchMemo = { folders: new Set() };
      for (const p of prepared) {
        out.push(await commitPrepared(tx, p, { batch }));
      }
      await reindexAssets(tx, { workspaceId, assetIds: out.map((r) => r.asset.id) });
      await requestEventDispatch(tx);
      return out;
    });
    // A path listed twice: both entries answer the asset as it is after the batch.
    const latest = new Map(results.map((r) => [r.asset.id, r.asset]));
    return viewAssets(ctx, results.map((r) => latest.get(r.asset.id) ?? r.asset));
  } finally {
    // Every store has ended (a failed one holds nothing); the holds end whatever the outcome.
    for (const r of await Promise.allSettled(stores)) {
      if (r.status === 'fulfilled') {
        await releaseHold(ctx, r.value.blob);
      }
    }
  }
}
