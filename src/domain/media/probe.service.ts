import { lazyImport } from '../../lib/lazy-module.js';
import type { JobCtx } from '../../jobs/define.js';
import { readEmbeddedMetadata, type JsonValue } from '../../media/exif.js';
import { blobToTempFile, withTempDir } from '../../media/files.js';
import { probeMedia } from '../../media/ffprobe.js';
import { describeSharpError, readImageInfo } from '../../media/images.js';
import { pdfInfo } from '../../media/pdf.js';
import { MediaError, type ToolLimits } from '../../media/tool.js';
import { inTransaction } from '../context.js';
import { findVersionById, lockVersion, updateVersionMetadata } from './media.repo.js';
import { reindexAsset } from '../search/search-index.js';

const fileType = lazyImport(() => import('file-type'));

/** Payload of `media.probe` (media-probe.job.ts): the tenant scope and the version to describe. */
export interface MediaProbePayload {
  workspace_id: string;
  version_id: string;
}

type Facts = Record<string, JsonValue>;

/** What the file's bytes say it is, and its dimensions, duration, codecs, pages and embedded metadata. */
async function describe(path: string, storedType: string, limits: ToolLimits, maxPixels: number): Promise<Facts> {
  const detected = (await (await fileType()).fileTypeFromFile(path))?.mime;
  const type = detected ?? storedType;
  const facts: Facts = { detected_type: detected ?? null };
  if (type.startsWith('image/')) {
    try {
      const info = await readImageInfo(path, maxPixels);
      Object.assign(facts, {
        width: info.displayWidth,
        height: info.displayHeight,
        format: info.format,
        orientation: info.orientation,
        ...(info.pages !== undefined && info.pages > 1 ? { pages: info.pages } : {}),
        has_alpha: info.hasAlpha,
        ...(info.space ? { color_space: info.space } : {}),
      });
    } catch (err) {
      facts.probe_error = describeSharpError(err, maxPixels);
    }
    Object.assign(facts, await readEmbeddedMetadata(path));
  } else if (type.startsWith('video/') || type.startsWith('audio/')) {
    const p = await probeMedia(path, limits);
    const rotated = p.video?.rotation !== undefined && Math.abs(p.video.rotation) % 180 === 90;
    Object.assign(facts, {
      container: p.formatName ?? null,
      duration_seconds: p.durationSeconds ?? null,
      bit_rate: p.bitRate ?? null,
      ...(p.video
        ? {
            width: rotated ? p.video.height : p.video.width,
            height: rotated ? p.video.width : p.video.height,
            video_codec: p.video.codec,
            frame_rate: p.video.frameRate ?? null,
            // The display matrix's rotation, as ffprobe reports it (counter-clockwise degrees; -90 = portrait).
            rotation: p.video.rotation ?? 0,
          }
        : {}),
      ...(p.audio ? { audio_codec: p.audio.codec, sample_rate: p.audio.sampleRate ?? null, channels: p.audio.channels ?? null } : {}),
    });
  } else if (type === 'application/pdf') {
    const info = await pdfInfo(path, limits);
    Object.assign(facts, {
      page_count: info.pageCount ?? null,
      page_width_pt: info.pageWidthPt ?? null,
      page_height_pt: info.pageHeightPt ?? null,
      encrypted: info.encrypted,
      ...(info.title ? { title: info.title } : {}),
    });
  }
  return facts;
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The `media.probe` job: merges the file's facts into asset_versions.metadata (keys it does not produce are kept).
 * Idempotent: the same file gives the same facts. A file the tools cannot read records `probe_error` and ends the
 * job; blob store and database errors are thrown for the queue to retry.
 */
export async function probeVersion(ctx: JobCtx, payload: MediaProbePayload): Promise<void> {
  const scope = { workspaceId: payload.workspace_id, id: payload.version_id };
  const version = await findVersionById(ctx.db, scope);
  if (!version) {
    return;
  }
  const limits: ToolLimits = { timeoutSeconds: ctx.config.media.toolTimeoutSeconds, signal: ctx.signal };
  const facts = await withTempDir(async (dir) => {
    const path = await blobToTempFile(ctx.blobs, version.blob_key, dir, ctx.signal);
    try {
      return await describe(path, version.content_type, limits, ctx.config.media.maxPixels);
    } catch (err) {
      if (ctx.signal.aborted || !(err instanceof MediaError) || !err.permanent) {
        throw err;
      }
      return { probe_error: err.message } satisfies Facts;
    }
  });
  await inTransaction(ctx, async (tx) => {
    // Re-read under the row lock: another writer may have changed metadata since.
    await lockVersion(tx, scope);
    const current = await findVersionById(tx.db, scope);
    if (!current) {
      return;
    }
    const merged = { ...parseObject(current.metadata), ...facts };
    if (!('probe_error' in facts)) {
      delete merged.probe_error;
    }
    await updateVersionMetadata(tx.db, scope, JSON.stringify(merged));
    await reindexAsset(tx, { workspaceId: payload.workspace_id, assetId: current.asset_id });
  });
}
