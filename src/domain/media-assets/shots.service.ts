import type { JobCtx } from '../../jobs/define.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { detectSceneCuts, extractFrame } from '../../media/ffmpeg.js';
import { blobToTempFile, putFile, withTempDir } from '../../media/files.js';
import { probeMedia } from '../../media/ffprobe.js';
import { MediaError, type ToolLimits } from '../../media/tool.js';
import { inTransaction } from '../context.js';
import { matchDevice } from '../productions/devices.rules.js';
import { listWorkspaceDevices } from '../productions/devices.repo.js';
import { findProductionSettings } from '../productions/productions.repo.js';

/*
 * Shot detection (spec §2.3.4 "creation side effects"; docs/medialoopster.md "Shots"): when a video asset's device
 * has `autoshot_detection` on, its current version is cut into shots at every hard cut ffmpeg's scene-change score
 * finds. Shot i runs from cut i to cut i+1 (the first from 0, the last to the end), in milliseconds, with the
 * frame at its start as its thumbnail.
 */

/** The scene-change score above which a frame starts a new shot (ffmpeg's `scene`, 0-1). */
export const SCENE_THRESHOLD = 0.3;

/** Payload of `shots.detect`. */
export interface ShotsPayload {
  workspace_id: string;
  version_id: string;
}

/** Shot boundaries in milliseconds from cut times and the duration (both seconds); cuts at 0 or past the end dropped. */
export function shotSpans(cuts: readonly number[], durationSeconds: number): Array<{ start: number; end: number }> {
  const end = Math.round(durationSeconds * 1000);
  const starts = [0, ...cuts.map((c) => Math.round(c * 1000)).filter((ms) => ms > 0 && ms < end)];
  return starts.map((start, i) => ({ start, end: starts[i + 1] ?? end }));
}

/**
 * The `shots.detect` job. Idempotent: the version's shots are replaced as a whole. Ends without change when the
 * version is no longer current, or its asset is not a video on a device with shot detection.
 */
export async function detectShots(ctx: JobCtx, payload: ShotsPayload): Promise<void> {
  const version = await ctx.db
    .selectFrom('asset_versions as v')
    .innerJoin('assets as a', 'a.id', 'v.asset_id')
    .select(['v.id', 'v.asset_id', 'v.blob_key', 'a.file_location', 'a.asset_type_id', 'a.current_version_id'])
    .where('v.workspace_id', '=', payload.workspace_id)
    .where('v.id', '=', payload.version_id)
    .executeTakeFirst();
  if (!version || version.current_version_id !== version.id || version.asset_type_id !== 'video') {
    return;
  }
  const [devices, settings] = await Promise.all([
    listWorkspaceDevices(ctx.db, { workspaceId: payload.workspace_id }),
    findProductionSettings(ctx.db, { workspaceId: payload.workspace_id }),
  ]);
  const device = matchDevice(devices, settings, { folderPath: version.file_location, kind: 'video' });
  if (!device || device.autoshot_detection !== 1) {
    return;
  }
  const limits: ToolLimits = { timeoutSeconds: ctx.config.media.toolTimeoutSeconds, signal: ctx.signal };
  let shots: Array<{ start: number; end: number; thumbnail: string | null }>;
  try {
    shots = await withTempDir(async (dir) => {
      const path = await blobToTempFile(ctx.blobs, version.blob_key, dir, ctx.signal);
      const probe = await probeMedia(path, limits);
      const spans = shotSpans(await detectSceneCuts(path, SCENE_THRESHOLD, limits), probe.durationSeconds ?? 0);
      const out: Array<{ start: number; end: number; thumbnail: string | null }> = [];
      for (const span of spans) {
        const frame = await extractFrame(path, span.start / 1000, limits);
        out.push({ ...span, thumbnail: (await putFile(ctx.blobs, frame)).key });
      }
      return out;
    });
  } catch (err) {
    if (ctx.signal.aborted || !(err instanceof MediaError) || !err.permanent) {
      throw err;
    }
    ctx.log.warn({ err, versionId: version.id }, 'shot detection: the tools could not read the video');
    return;
  }
  await inTransaction(ctx, async (tx) => {
    await tx.db.deleteFrom('shots').where('workspace_id', '=', payload.workspace_id).where('version_id', '=', version.id).execute();
    if (shots.length === 0) {
      return;
    }
    const now = isoNow(tx.clock);
    await tx.db
      .insertInto('shots')
      .values(shots.map((s, i) => ({
        id: newId(), workspace_id: payload.workspace_id, asset_id: version.asset_id, version_id: version.id, sequence_id: null,
        name: `Shot ${i + 1}`, description: null, timecode_start: s.start, timecode_end: s.end, thumbnail_blob_key: s.thumbnail, created_at: now,
      })))
      .execute();
  });
}

/** The shots of a video asset's current version, by start time (the caller resolved the asset in its production). */
export function listShots(ctx: Pick<JobCtx, 'db'>, scope: { workspaceId: string; assetId: string; versionId: string | null }) {
  return ctx.db
    .selectFrom('shots')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId)
    .where('version_id', '=', scope.versionId ?? '')
    .orderBy('timecode_start')
    .orderBy('sequence')
    .execute();
}

/** The sequences of a video asset, by start time. */
export function listShotSequences(ctx: Pick<JobCtx, 'db'>, scope: { workspaceId: string; assetId: string }) {
  return ctx.db
    .selectFrom('shot_sequences')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId)
    .orderBy('timecode_start')
    .orderBy('sequence')
    .execute();
}
