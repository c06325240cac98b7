import type { Readable } from 'node:stream';
import type { PutResult, TempHash } from '../../blobs/blob-store.js';
import type { UploadSessionRow } from '../../db/schema.js';
import { isoAfterSeconds, isoNow } from '../../lib/clock.js';
import { crashPoint } from '../../lib/crash-points.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { viewAssets, type AssetView } from '../assets/assets.service.js';
import { findAsset } from '../assets/assets.repo.js';
import { cleanFileName } from '../assets/assets.rules.js';
import { scopedAccountId, scopedWorkspaceId, type Ctx, type Deps } from '../context.js';
import { errors, isDomainError } from '../errors.js';
import { claimUploadCommit } from './commit-claim.js';
import { commitUpload } from './commit.service.js';
import { releaseHold } from './receive.js';
import { checkUploadSignature, signedUploadPath, signUploadQuery } from './signed-url.js';
import { findWorkspaceAccountId } from '../media/media.repo.js';
import { sniffBlob } from './sniff.js';
import { commitTarget, preflightCommit, type UploadTarget } from './stream-store.js';
import { assertWithinLimit, uploadLimit } from './upload-limit.js';
import { findSession, findSessionForSignedPut, insertSession, moveSessionState, setReceivedBytes } from './upload-sessions.repo.js';

/*
 * The presigned upload (Mudstack §5.2): 1. POST /workspaces/assets/upload makes a session and a URL; 2. the client
 * PUTs the bytes there (S3 directly, or Atelier's own HMAC-signed URL on the disk store); 3. POST
 * /workspaces/assets/upload/assets adopts the bytes and commits them through commitUpload.
 */

export interface UploadUrlInput {
  fileName: string;
  size?: number | undefined;
  checksum?: string | undefined;
  /** Where this request reached Atelier (scheme://host), used when PUBLIC_URL is not set. */
  requestBaseUrl: string;
}

/** Step 1: an upload session and the URL to PUT its bytes to (valid until the session expires). */
export async function createUploadUrl(ctx: Ctx, input: UploadUrlInput): Promise<{ key: string; signedUrl: string; expiresAt: string }> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  const fileName = cleanFileName(input.fileName, 'name', 'body');
  assertWithinLimit(await uploadLimit(ctx, scopedAccountId(ctx)), input.size);
  const now = isoNow(ctx.clock);
  const expiresIn = ctx.config.uploads.urlExpirySeconds;
  const session = await insertSession(ctx.db, {
    id: newId(),
    workspace_id: workspaceId,
    created_by_user_id: ctx.actor.userId,
    kind: 'presigned',
    file_name: fileName,
    declared_size: input.size ?? null,
    declared_checksum: input.checksum?.toLowerCase() ?? null,
    received_bytes: 0,
    state: 'open',
    asset_id: null,
    version_id: null,
    expires_at: isoAfterSeconds(now, expiresIn),
    metadata: '{}',
    created_at: now,
    updated_at: now,
  });
  const direct = await ctx.blobs.presignPut(session.id, {
    expiresInSeconds: expiresIn,
    ...(input.size !== undefined ? { contentLength: input.size } : {}),
  });
  const path = signedUploadPath(session.id);
  const signedUrl =
    direct ??
    `${ctx.config.uploads.publicUrl ?? input.requestBaseUrl}${path}?${signUploadQuery(ctx.tokenKey, { method: 'PUT', path, expiresAt: new Date(session.expires_at) })}`;
  return { key: session.id, signedUrl, expiresAt: session.expires_at };
}

/**
 * Step 2 on the disk store: the body of a PUT to a self-signed URL becomes the session's temp bytes. No token: the
 * signature is the capability (forged 403, expired 403). A later PUT replaces earlier bytes until the commit.
 */
export async function receiveSignedPut(
  deps: Deps,
  input: { sessionId: string; expires: string | undefined; sig: string | undefined; body: Readable; contentLength?: number | undefined },
): Promise<{ size: number }> {
  const path = signedUploadPath(input.sessionId);
  const check = checkUploadSignature(deps.tokenKey, { method: 'PUT', path, expires: input.expires, sig: input.sig, now: deps.clock.now() });
  if (check === 'forged') {
    throw errors.forbidden('upload_signature_invalid', 'The upload URL signature is not valid.');
  }
  if (check === 'expired') {
    throw errors.forbidden('upload_url_expired', 'The upload URL has expired; request a new one.');
  }
  const session = await findSessionForSignedPut(deps.db, input.sessionId);
  if (!session || session.kind !== 'presigned') {
    throw errors.notFound('upload', input.sessionId);
  }
  if (session.state !== 'open') {
    throw errors.conflict('upload_not_open', 'This upload has already been committed or has failed.');
  }
  // The account's limit, or the size declared in step 1 when smaller; refused before reading when Content-Length says so.
  const accountId = await findWorkspaceAccountId(deps.db, session.workspace_id);
  const accountLimit = accountId ? await uploadLimit(deps, accountId) : deps.config.uploads.maxBytes;
  const limit = Math.min(accountLimit, session.declared_size ?? Number.POSITIVE_INFINITY);
  assertWithinLimit(limit, input.contentLength);
  const { size } = await deps.blobs.putTemp(session.id, input.body, { maxBytes: limit, onChunk: () => crashPoint('upload.signed-put.mid-body') });
  await setReceivedBytes(deps.db, { id: session.id, bytes: size, now: isoNow(deps.clock) });
  return { size };
}

export interface CommitPresignedInput extends UploadTarget {
  key: string;
  originalFileName: string;
  checksum?: string | undefined;
}

async function requirePresignedSession(ctx: Ctx, id: string): Promise<UploadSessionRow> {
  const session = await findSession(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id });
  // Another user's session reads as absent too: the key is the capability of whoever asked for it.
  if (!session || session.kind !== 'presigned' || session.created_by_user_id !== ctx.actor.userId) {
    throw errors.notFound('upload', id);
  }
  return session;
}

async function viewOf(ctx: Ctx, assetId: string): Promise<AssetView> {
  const asset = await findAsset(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id: assetId });
  const [view] = asset ? await viewAssets(ctx, [asset]) : [];
  if (!view) {
    throw errors.notFound('asset', assetId);
  }
  return view;
}

/**
 * The upload's temp bytes moved to their content address. When they are gone but a checksum was declared, a commit
 * cut off after adopt (its process died before the rows were written) left them in place already: found by that
 * checksum. Without a declared checksum such bytes cannot be named, and the client PUTs them again.
 */
export async function adoptOrFindBlob(
  ctx: Ctx,
  uploadId: string,
  options: { expectedSha256: string | undefined; expectedSize: number | undefined; maxBytes: number; tempHash?: TempHash | undefined },
) {
  try {
    // Held for the upload when its checksum is known: should this process die before the rows, the blob stays for a
    // retried commit (below) while the upload can be committed; without a checksum no retry could find it.
    return await ctx.blobs.adopt(uploadId, { ...options, hold: options.expectedSha256 === undefined ? {} : { uploadId } });
  } catch (err) {
    const sha256 = options.expectedSha256;
    if (!(isDomainError(err) && err.code === 'upload_not_found') || sha256 === undefined) {
      throw err;
    }
    const stat = await ctx.blobs.stat(sha256).catch(() => undefined);
    if (!stat || (options.expectedSize !== undefined && stat.size !== options.expectedSize)) {
      throw err;
    }
    return { key: sha256, size: stat.size, sha256 };
  }
}

/**
 * Step 3: adopts the session's bytes (checked against the declared size and checksum: a mismatch keeps nothing)
 * and commits them. Committing again returns the same asset (idempotent, until the session expires); an expired
 * session is 404 `upload_expired`; no bytes yet is 409 `upload_incomplete`.
 */
export async function commitPresignedUpload(ctx: Ctx, input: CommitPresignedInput): Promise<AssetView> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  const session = await requirePresignedSession(ctx, input.key);
  if (session.state === 'committed' && session.asset_id) {
    return viewOf(ctx, session.asset_id);
  }
  if (session.expires_at <= isoNow(ctx.clock)) {
    throw errors.uploadExpired(session.id);
  }
  if (session.state === 'failed') {
    throw errors.conflict('upload_failed', 'This upload failed its checks; its bytes were discarded. Start a new upload.');
  }
  await preflightCommit(ctx, { fileName: input.originalFileName, target: input, fieldsIn: 'body', fileNameField: 'original_file_name' });
  const claim = await claimUploadCommit(ctx, session.id);
  let held: PutResult | undefined;
  try {
    const expectedSha256 = input.checksum?.toLowerCase() ?? session.declared_checksum ?? undefined;
    const blob = await adoptOrFindBlob(ctx, session.id, { expectedSha256, expectedSize: session.declared_size ?? undefined, maxBytes: await uploadLimit(ctx, scopedAccountId(ctx)) });
    held = blob;
    const contentType = await sniffBlob(ctx.blobs, blob.key, blob.size, input.originalFileName);
    crashPoint('upload.presigned.after-adopt');
    const result = await claim.finish(
      ctx,
      (tx) => commitUpload(tx, { workspaceId, blob, contentType, originalFileName: input.originalFileName, target: commitTarget(input), fieldsIn: 'body' }),
      (r) => ({ assetId: r.asset.id, versionId: r.version.id, receivedBytes: blob.size }),
    );
    await releaseHold(ctx, blob);
    held = undefined;
    crashPoint('upload.presigned.after-commit');
    return viewOf(ctx, result.asset.id);
  } catch (err) {
    if (isDomainError(err) && err.code === 'upload_in_progress') {
      throw err;
    }
    const noBytes = isDomainError(err) && err.code === 'upload_not_found';
    // A failed check discarded the bytes (adopt deletes them): the session cannot be committed any more.
    await claim.release(noBytes || !isDomainError(err) ? 'open' : 'failed');
    if (noBytes) {
      throw errors.conflict('upload_incomplete', 'No bytes have been uploaded to the signed URL yet.');
    }
    throw err;
  } finally {
    claim.end();
    // Only a kill leaves a hold behind (docs/crash-recovery.md).
    if (held) {
      await releaseHold(ctx, held);
    }
  }
}
