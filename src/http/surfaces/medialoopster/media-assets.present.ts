import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { MediaAssetView } from '../../../domain/media-assets/media-assets.service.js';
import type { MediaKind } from '../../../domain/media-assets/media-assets.repo.js';
import { isoMicros } from './conventions.js';

/*
 * Media assets as medialoopster shows them (spec §2.3.4; docs/medialoopster.md "Media assets"). Technical fields come
 * from the media probe of the current version (ffprobe; sharp and EXIF for images); URLs point at this surface's
 * download routes for the real derivatives.
 */

const NullableIso = Type.Union([Type.String(), Type.Null()]);

/** `status_asset` (spec §2.2): 0 NEW (probe pending), 6 ASSET_DONE, -1 ERROR. */
export const STATUS_NEW = 0;
export const STATUS_DONE = 6;
export const STATUS_ERROR = -1;

const common = {
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  date_crt: NullableIso,
  date_add: Type.String(),
  date_mod: Type.String(),
  date_del: NullableIso,
  locked_by: Type.Union([Type.String(), Type.Null()]),
  production: Type.Integer(),
  production_name: Type.String(),
  meta_field_store: Type.Record(Type.String(), Type.String()),
  status_asset: Type.Integer(),
  status_asset_description: Type.String(),
  status_editing: Type.Integer(),
  status_approval: Type.Integer(),
  path_file: Type.String(),
  is_archive: Type.Boolean(),
  is_production: Type.Boolean(),
  device: Type.Union([Type.Integer(), Type.Null()]),
  display_name: Type.String(),
  filename: Type.String(),
  projects: Type.Array(Type.Integer()),
  path_proxy: Type.String(),
  name_proxy: Type.String(),
  thumbnail_url: Type.String(),
  proxy_url: Type.String(),
  shared_with_productions: Type.Array(Type.Integer()),
  is_available: Type.Boolean(),
  name_editor: Type.String(),
  duration: Type.Integer({ description: 'Milliseconds (0 for images and when unknown).' }),
  abstract: Type.String(),
  transcript: Type.String(),
  path_thumbnail: Type.String(),
  is_proxy_available: Type.Boolean(),
  file_size: Type.Integer({ description: 'Atelier addition: bytes of the high-res file.' }),
};

export const MlVideoAsset = Type.Object({
  ...common,
  video_format: Type.String(),
  video_codec: Type.String(),
  video_size: Type.String(),
  aspect_ratio: Type.String(),
  offset_frames: Type.Integer(),
  fps: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  codec_name: Type.String(),
  display_aspect_ratio: Type.String(),
  vpms_title: Type.String(),
  vpms_description: Type.String(),
  video_url: Type.String(),
  poster_url: Type.String(),
  rotation: Type.Integer(),
  audio_codec: Type.String(),
});

export const MlAudioAsset = Type.Object({
  ...common,
  audio_format: Type.String(),
  audio_codec: Type.String(),
  codec_name: Type.String(),
  sample_rate: Type.Integer(),
  channels: Type.Integer(),
  audio_url: Type.String(),
});

export const MlImageAsset = Type.Object({
  ...common,
  image_format: Type.String(),
  codec_name: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  aspect_ratio: Type.String(),
  display_aspect_ratio: Type.String(),
  rotation: Type.Integer(),
  image_url: Type.String(),
  poster_url: Type.String(),
});

export const ASSET_SCHEMAS: Record<MediaKind, TSchema> = { audio: MlAudioAsset, image: MlImageAsset, video: MlVideoAsset };
export type MlVideoAssetJson = Static<typeof MlVideoAsset>;

/** The Django model names, as the 404 texts show them ("VideoAsset object with pk=u'7' does not exist."). */
export const MODEL_NAMES: Record<MediaKind, string> = { audio: 'AudioAsset', image: 'ImageAsset', video: 'VideoAsset' };

type Meta = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** `16:9` from pixel dimensions (reduced); '' when unknown. */
export function aspectRatio(width: number, height: number): string {
  if (width <= 0 || height <= 0) {
    return '';
  }
  const g = gcd(Math.round(width), Math.round(height));
  return `${Math.round(width) / g}:${Math.round(height) / g}`;
}

/** `25`, `29.97`: the frame rate as medialoopster writes it (a string). */
export const fpsText = (rate: unknown): string => (typeof rate === 'number' && rate > 0 ? String(Math.round(rate * 1000) / 1000) : '');

/** EXIF orientation → clockwise degrees (1, 2: 0; 3, 4: 180; 5, 6: 90; 7, 8: 270). */
const EXIF_ROTATION: Record<number, number> = { 3: 180, 4: 180, 5: 90, 6: 90, 7: 270, 8: 270 };

function parseMeta(text: string | null): Meta {
  try {
    const v: unknown = JSON.parse(text ?? '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Meta) : {};
  } catch {
    return {};
  }
}

/** `date_crt`: when the content was made, from EXIF (images) or the container's creation time; else null. */
function contentCreated(meta: Meta): string | null {
  const exif = meta.exif as Meta | undefined;
  const candidates = [exif?.DateTimeOriginal, exif?.CreateDate, meta.creation_time];
  for (const c of candidates) {
    if (typeof c === 'string' && !Number.isNaN(Date.parse(c))) {
      return isoMicros(c);
    }
  }
  return null;
}

function status(view: MediaAssetView, meta: Meta): { code: number; text: string } {
  if (typeof meta.probe_error === 'string') {
    return { code: STATUS_ERROR, text: meta.probe_error };
  }
  return 'detected_type' in meta ? { code: STATUS_DONE, text: '' } : { code: STATUS_NEW, text: '' };
}

/** One media asset; `base` is `scheme://host` of the request. */
export function presentMediaAsset(view: MediaAssetView, base: string): Record<string, unknown> {
  const a = view.asset;
  const meta = parseMeta(view.metadata);
  const kindPath = `${base}/api/${view.kind}assets/${Number(a.sequence)}`;
  const ready = (kind: string): boolean => view.derivatives.get(kind) === 'ready';
  const proxyKind = view.kind === 'video' ? 'proxy' : view.kind === 'image' ? 'preview' : 'waveform';
  const thumbKind = view.kind === 'audio' ? 'waveform' : 'thumbnail';
  const proxyRoot = view.settings?.proxy_root ?? '/';
  const stem = a.file_name.replace(/\.[^.]*$/, '');
  const proxyName = view.kind === 'video' ? `${stem}_proxy.mp4` : view.kind === 'image' ? `${stem}_preview.jpg` : `${stem}_waveform.png`;
  const s = status(view, meta);
  const durationMs = Math.round(num(meta.duration_seconds) * 1000);
  const out: Record<string, unknown> = {
    id: Number(a.sequence),
    name: a.name,
    description: a.description,
    date_crt: contentCreated(meta),
    date_add: isoMicros(a.created_at),
    date_mod: isoMicros(a.updated_at),
    date_del: isoMicros(view.fields?.date_del),
    locked_by: view.lockedBy,
    production: Number(view.production.sequence),
    production_name: view.production.name,
    meta_field_store: JSON.parse(view.fields?.meta_field_store ?? '{}') as Record<string, string>,
    status_asset: s.code,
    status_asset_description: s.text,
    status_editing: a.locked_by_user_id ? 1 : 0,
    status_approval: view.fields?.status_approval ?? view.settings?.default_approval_status ?? 0,
    path_file: `${a.file_location}${a.file_name}`,
    is_archive: view.archive.isArchive,
    is_production: view.archive.isProduction,
    device: view.device ? Number(view.device.sequence) : null,
    display_name: a.name,
    filename: a.file_name,
    projects: view.projects,
    path_proxy: `${proxyRoot}${Number(a.sequence)}/${proxyName}`,
    name_proxy: proxyName,
    thumbnail_url: `${kindPath}/${view.kind === 'audio' ? 'waveform' : 'thumbnail'}/`,
    proxy_url: `${kindPath}/proxy/`,
    shared_with_productions: view.sharedWith,
    is_available: view.versionId !== null,
    name_editor: '',
    duration: durationMs,
    abstract: '',
    transcript: '',
    path_thumbnail: `${proxyRoot}${Number(a.sequence)}/${stem}_${thumbKind}.${thumbKind === 'waveform' ? 'png' : 'jpg'}`,
    is_proxy_available: ready(proxyKind),
    file_size: view.size ?? 0,
  };
  const width = num(meta.width);
  const height = num(meta.height);
  if (view.kind === 'video') {
    Object.assign(out, {
      video_format: str(meta.container),
      video_codec: str(meta.video_codec),
      video_size: width > 0 ? `${width}x${height}` : '',
      aspect_ratio: aspectRatio(width, height),
      offset_frames: 0,
      fps: fpsText(meta.frame_rate),
      width,
      height,
      codec_name: str(meta.video_codec),
      display_aspect_ratio: aspectRatio(width, height),
      vpms_title: '',
      vpms_description: '',
      video_url: `${kindPath}/file/`,
      poster_url: `${kindPath}/poster/`,
      // Clockwise degrees, 0-359 (ffprobe's display-matrix rotation is counter-clockwise).
      rotation: ((-num(meta.rotation) % 360) + 360) % 360,
      audio_codec: str(meta.audio_codec),
    });
  } else if (view.kind === 'audio') {
    Object.assign(out, {
      audio_format: str(meta.container),
      audio_codec: str(meta.audio_codec),
      codec_name: str(meta.audio_codec),
      sample_rate: num(meta.sample_rate),
      channels: num(meta.channels),
      audio_url: `${kindPath}/file/`,
    });
  } else {
    Object.assign(out, {
      image_format: str(meta.format),
      codec_name: str(meta.format),
      width,
      height,
      aspect_ratio: aspectRatio(width, height),
      display_aspect_ratio: aspectRatio(width, height),
      rotation: EXIF_ROTATION[num(meta.orientation)] ?? 0,
      image_url: `${kindPath}/file/`,
      poster_url: `${kindPath}/preview/`,
    });
  }
  return out;
}
