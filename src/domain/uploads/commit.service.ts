import type { PutResult } from '../../blobs/blob-store.js';
import { assertExpected } from '../../blobs/hashing.js';
import type { AssetRow, AssetVersionRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { classifyAssetType } from '../assets/asset-types.js';
import { findActiveAssetAtPath, findAsset, insertAsset, updateAssetRow } from '../assets/assets.repo.js';
import { cleanDescription, cleanFileName, cleanFolder, cleanName } from '../assets/assets.rules.js';
import { inTransaction, type Ctx } from '../context.js';
import { errors, type FieldProblem } from '../errors.js';
import { ensureFolderPath } from '../folders/folder-paths.js';
import { recordHistory } from '../history/history.service.js';
import { defaultAssetStatusId } from '../settings/settings.service.js';
import { reindexAsset } from '../search/search-index.js';
import { enqueueDerivativeJobs, enqueueMediaProbe } from '../media/media-jobs.js';
import { derivativeKindsFor, insertPendingDerivatives } from '../versions/derivatives.js';
import { insertVersion, maxVersionNumber } from '../versions/versions.repo.js';
import { requireWritable } from '../assets/writable.js';

export interface CommitUploadInput {
  workspaceId: string;
  /** Already durable in the blob store. */
  blob: PutResult;
  /** Sniffed by the upload path from the first bytes. */
  contentType: string;
  originalFileName: string;
  /** What the client said it sent; checked against the blob. */
  declared?: { sha256?: string | undefined; size?: number | undefined };
  /** A new asset (or, at an existing folder + file name, a new version of that asset), or a version of `assetId`. */
  target: { newAsset: { name?: string | undefined; fileLocation?: string | undefined; description?: string | undefined } } | { assetId: string };
  versionName?: string | undefined;
  description?: string | undefined;
  /** The field `description` came in (default `version_description`). */
  descriptionField?: string | undefined;
  /** Where the client's fields came from, for the pointers of 400 answers. */
  fieldsIn?: FieldProblem['in'];
}

export interface CommitResult {
  asset: AssetRow;
  version: AssetVersionRow;
  /** True when a new asset was created (false: a version was added to an existing one). */
  createdAsset: boolean;
}

/**
 * The one step every upload path ends in (single request, presigned, tus, import). Verifies the declared size and
 * checksum, then in ONE transaction writes the asset (when new), the version (number max+1, parent = previous
 * current), sets it current, adds pending derivative rows, queues their jobs and records history. On any error no
 * row is written; the blob stays an orphan for the sweep (never deleted here: another row may share its bytes).
 */
export async function commitUpload(ctx: Ctx, input: CommitUploadInput): Promise<CommitResult> {
  const prepared = prepareCommit(ctx, input);
  return inTransaction(ctx, (tx) => commitPrepared(tx, prepared));
}

/** An upload whose fields passed the checks that need no database: what commitPrepared writes. */
export interface PreparedCommit {
  input: CommitUploadInput;
  part: FieldProblem['in'];
  fileName: string;
  versionName: string | undefined;
  versionDescription: string;
  assetTypeId: string;
  /** The cleaned folder of a new-asset target (undefined for an asset_id target). */
  fileLocation: string | undefined;
}

/**
 * The checks of commitUpload that need no database (permission, tenancy, declared size and checksum, names), so a
 * batch can refuse a bad entry before its transaction starts. Throws the same errors commitUpload does.
 */
export function prepareCommit(ctx: Ctx, input: CommitUploadInput): PreparedCommit {
  requirePermission(ctx.actor, 'asset.write');
  if (ctx.actor.workspaceId !== input.workspaceId) {
    throw errors.notFound('workspace', input.workspaceId);
  }
  const part = input.fieldsIn ?? 'body';
  assertExpected(input.blob, { expectedSha256: input.declared?.sha256, expectedSize: input.declared?.size });
  const fileName = cleanFileName(input.originalFileName, 'file_name', part);
  const versionName = input.versionName === undefined ? undefined : cleanName(input.versionName, 'version_name', part);
  const versionDescription = cleanDescription(input.description ?? '', input.descriptionField ?? 'version_description', part);
  const assetTypeId = classifyAssetType({ contentType: input.contentType, fileName });
  const fileLocation = 'newAsset' in input.target ? cleanFolder(input.target.newAsset.fileLocation, 'file_location', part) : undefined;
  return { input, part, fileName, versionName, versionDescription, assetTypeId, fileLocation };
}

/** What the uploads of one batch transaction share: looked up or made once, not once per file. */
export interface BatchMemo {
  /** The workspace's default asset status. */
  statusId?: Promise<string | null>;
  /** Folders known to exist in this transaction. */
  folders: Set<string>;
}

/** The key commitPrepared locks for a new-asset target (concurrent first uploads to one path wait on it). */
export const assetPathLockKey = (workspaceId: string, fileLocation: string, fileName: string): string => `asset-path:${workspaceId}:${fileLocation}:${fileName}`;

/**
 * The writes of commitUpload, inside the caller's transaction. `batch`: the caller commits several uploads in this
 * transaction and, after the last, reindexes their assets and requests the event dispatch once (reindexAssets,
 * requestEventDispatch), and shares the workspace's default status and the folders made (BatchMemo): the same rows as
 * one by one, without repeating per file what a transaction needs once.
 */
export async function commitPrepared(tx: Ctx, prepared: PreparedCommit, opts: { batch?: BatchMemo } = {}): Promise<CommitResult> {
  const { input, part, fileName, versionName, versionDescription, assetTypeId } = prepared;
  // Without jobs, recordHistory leaves the dispatch request to the batch.
  const history = opts.batch ? { db: tx.db, clock: tx.clock } : tx;
  const now = isoNow(tx.clock);
  const { workspaceId } = input;
  let asset: AssetRow | undefined;
  let createdAsset = false;
  if ('assetId' in input.target) {
    asset = await findAsset(tx.db, { workspaceId, id: input.target.assetId });
    if (!asset) {
      throw errors.notFound('asset', input.target.assetId);
    }
  } else {
    const spec = input.target.newAsset;
    const fileLocation = prepared.fileLocation as string;
    // "Create or update asset": the same file name in the same folder is a new version of that asset. Concurrent
    // first uploads to one path wait for each other here, so the later one finds the asset the first made.
    await tx.dialect.lockKey(tx.db, assetPathLockKey(workspaceId, fileLocation, fileName));
    asset = await findActiveAssetAtPath(tx.db, { workspaceId, fileLocation, fileName });
    if (!asset) {
      createdAsset = true;
      asset = await insertAsset(tx.db, {
        id: newId(),
        workspace_id: workspaceId,
        name: spec.name === undefined ? fileName : cleanName(spec.name, 'name', part),
        file_name: fileName,
        file_location: fileLocation,
        asset_type_id: assetTypeId,
        // The workspace setting default_asset_status_id (none unless set).
        status_id: await (opts.batch ? (opts.batch.statusId ??= defaultAssetStatusId(tx.db, { workspaceId })) : defaultAssetStatusId(tx.db, { workspaceId })),
        description: cleanDescription(spec.description ?? '', 'description', part),
        current_version_id: null,
        created_by_user_id: tx.actor.userId,
        locked_by_user_id: null,
        deleted_at: null,
        deleted_by_user_id: null,
        created_at: now,
        updated_at: now,
      });
      if (!opts.batch?.folders.has(fileLocation)) {
        await ensureFolderPath(tx, workspaceId, fileLocation);
        opts.batch?.folders.add(fileLocation);
      }
      await recordHistory(history, {
        accountId: tx.actor.accountId,
        workspaceId,
        assetId: asset.id,
        userId: tx.actor.userId,
        subjectType: 'asset',
        recordId: asset.id,
        type: 'asset_created',
        data: { name: asset.name, file_name: asset.file_name, file_location: asset.file_location, asset_type_id: assetTypeId },
      });
    }
  }
  await requireWritable(tx, asset);
  // Touching the asset row first takes its row lock (PostgreSQL), so concurrent commits to one asset number
  // their versions one after the other instead of colliding on unique(asset_id, version_number). An asset this
  // transaction made is invisible to others and has no version yet: neither step is needed.
  if (!createdAsset) {
    await updateAssetRow(tx.db, { workspaceId, id: asset.id }, { updated_at: now });
  }
  const number = createdAsset ? 1 : (await maxVersionNumber(tx.db, { workspaceId, assetId: asset.id })) + 1;
  const version = await insertVersion(tx.db, {
    id: newId(),
    asset_id: asset.id,
    workspace_id: workspaceId,
    version_number: number,
    commit_parent_id: asset.current_version_id,
    name: versionName ?? `Version ${number}`,
    description: versionDescription,
    blob_key: input.blob.key,
    size: input.blob.size,
    checksum: input.blob.sha256,
    content_type: input.contentType,
    original_file_name: fileName,
    thumbnail_blob_key: null,
    metadata: '{}',
    created_by_user_id: tx.actor.userId,
    created_at: now,
    deleted_at: null,
  });
  const updated = await updateAssetRow(tx.db, { workspaceId, id: asset.id }, {
    current_version_id: version.id,
    asset_type_id: assetTypeId,
    updated_at: now,
  });
  const pending = await insertPendingDerivatives(tx, { workspaceId, versionId: version.id, kinds: derivativeKindsFor(input.contentType) });
  await enqueueDerivativeJobs(tx, pending);
  await enqueueMediaProbe(tx, { workspaceId, versionId: version.id });
  if (!opts.batch) {
    await reindexAsset(tx, { workspaceId, assetId: asset.id });
  }
  await recordHistory(history, {
    accountId: tx.actor.accountId,
    workspaceId,
    assetId: asset.id,
    userId: tx.actor.userId,
    subjectType: 'version',
    recordId: version.id,
    type: 'version_created',
    data: {
      version_id: version.id,
      version_number: number,
      commit_parent_id: version.commit_parent_id,
      size: version.size,
      checksum: version.checksum,
      content_type: version.content_type,
      file_name: fileName,
    },
  });
  return { asset: updated ?? asset, version, createdAsset };
}
