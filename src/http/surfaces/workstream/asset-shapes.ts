import type { Static } from '@sinclair/typebox';
import type { AssetVersionRow, DerivativeRow, UserRow } from '../../../db/schema.js';
import type { AssetShapeData, VersionShapeData } from '../../../domain/assets/asset-shapes.repo.js';
import type { Ctx } from '../../../domain/context.js';
import { signedMediaPath } from '../../../domain/media/signed-media.service.js';
import { fileExtension } from '../../../lib/safe-path.js';
import type { WsAssetVersion, WsFullAsset, WsLegacyAsset, WsMiniAsset, WsMiniUser } from './asset-shapes.schemas.js';
import { unixSecondsText } from './conventions.js';

/*
 * Atelier assets in Webdam's asset shapes (spec §1.3.7; docs/workstream.md "Assets"). Pure functions over the rows
 * loadAssetShapes / loadVersionShapes read; URLs come from a MediaLinks built once per request, so thumbnails and
 * previews are signed links to the real derivatives that download without a token.
 */

export type MiniAsset = Static<typeof WsMiniAsset>;
export type LegacyAsset = Static<typeof WsLegacyAsset>;
export type FullAsset = Static<typeof WsFullAsset>;
export type AssetVersion = Static<typeof WsAssetVersion>;

/** Where the signed derivative URLs point (GET /workstream/media/…, media.routes.ts). */
export const MEDIA_PREFIX = '/workstream/media';

/** Turns derivative rows into absolute signed URLs ("" when there is no derivative or it failed). */
export interface MediaLinks {
  url(d: DerivativeRow | undefined, versionNumber: number): string;
}

const EXT: Record<string, string> = { 'image/webp': 'webp', 'image/jpeg': 'jpg', 'image/png': 'png', 'video/mp4': 'mp4' };

/** MediaLinks for one request: `baseUrl` is PUBLIC_URL or the request's own origin. */
export function mediaLinks(ctx: Pick<Ctx, 'tokenKey' | 'clock'>, baseUrl: string): MediaLinks {
  return {
    url(d, versionNumber) {
      // A pending derivative still gets its URL (404 until it is ready, like Webdam's "processing" image).
      if (!d || d.state === 'failed') {
        return '';
      }
      const name = `v${versionNumber}_${d.kind}.${EXT[d.content_type ?? ''] ?? 'bin'}`;
      return `${baseUrl}${signedMediaPath(ctx, MEDIA_PREFIX, d, name)}`;
    },
  };
}

/** Workstream `type_id` per Atelier asset type (Webdam shows "1" for images; the rest are Atelier's numbering). */
const TYPE_IDS: Record<string, string> = { image: '1', video: '2', audio: '3', document: '4', model3d: '5', archive: '6', project: '7', font: '8', other: '9' };
const typeIdOf = (assetTypeId: string): string => TYPE_IDS[assetTypeId] ?? '9';

/** The derivative shown at a size: small sizes use the thumbnail, large ones the preview (poster/page/thumbnail else). */
function pick(derivatives: Map<string, DerivativeRow>, large: boolean): DerivativeRow | undefined {
  const order = large ? ['preview', 'poster', 'page', 'thumbnail', 'waveform'] : ['thumbnail', 'poster', 'preview', 'page', 'waveform'];
  const usable = order.map((k) => derivatives.get(k)).filter((d): d is DerivativeRow => d !== undefined && d.state !== 'failed');
  return usable[0];
}

export function presentMiniUser(u: UserRow | undefined): Static<typeof WsMiniUser> {
  if (!u) {
    return { type: 'user', id: null, email: null, name: ' ', username: null, status: null };
  }
  return { type: 'user', id: String(u.sequence), email: u.email, name: `${u.first_name} ${u.last_name}`, username: u.username, status: u.is_active === 1 ? 'active' : 'inactive' };
}

const extensionOf = (fileName: string): string => fileExtension(fileName).toLowerCase();

/** Bytes as Webdam's `filesize`: megabytes with 2 decimals, as a string. */
export const megabytes = (bytes: number): string => (bytes / 1_000_000).toFixed(2);

/** ISO text as Webdam's legacy `"YYYY-MM-DD HH:MM:SS"` (UTC). */
export const legacyDateTime = (iso: string): string => new Date(iso).toISOString().slice(0, 19).replace('T', ' ');

function metadataOf(v: AssetVersionRow | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(v?.metadata ?? '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const countKeys = (v: unknown): number => (v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).length : 0);
const numberOr = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

function colorspaceOf(space: unknown): string {
  if (typeof space !== 'string' || space === '') {
    return '';
  }
  const known: Record<string, string> = { srgb: 'RGB', rgb: 'RGB', rgb16: 'RGB', scrgb: 'RGB', cmyk: 'CMYK', 'b-w': 'Grayscale', grey16: 'Grayscale' };
  return known[space.toLowerCase()] ?? space.toUpperCase();
}

/**
 * `media_url` / `hiResMediaUrl` of full assets: Webdam's HTML fragment (spec §1.5 item 17), a processing placeholder
 * and an `<img>` whose `src` clients parse. Names and URLs are HTML-escaped; the URL also sits in a JS string.
 */
export function mediaHtml(url: string, fileName: string): string {
  const html = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const js = (s: string) => html(s.replace(/\\/g, '\\\\').replace(/'/g, "\\'"));
  return (
    '<div class="asset-proc-wrapper hide"><div class="asset_proc proc-details image_220px" style="display:block;">Asset Processing</div></div>' +
    `<img onload="$('.image-loading, .loading').hide();" onerror="if(WebDAM.isAssetLoaded){WebDAM.isAssetLoaded(this,'${js(url)}','/images/220imageprocessing.gif',false)};" ` +
    `src="${html(url)}" border=0 alt="${html(fileName)}" title="${html(fileName)}">`
  );
}

function thumbnailUrls(links: MediaLinks, derivatives: Map<string, DerivativeRow>, versionNumber: number) {
  const small = links.url(pick(derivatives, false), versionNumber);
  const large = links.url(pick(derivatives, true), versionNumber);
  return [
    { size: 100, url: small },
    { size: 150, url: small },
    { size: 220, url: small },
    { size: 310, url: small },
    { size: 550, url: large, previewurls: [] as string[] },
    { size: 1280, url: large },
  ];
}

/** The default `metadata.active_fields` (spec §1.3.7), filled from the asset: name, description and tags. */
function activeFields(d: AssetShapeData) {
  const fields: Array<[string, string, string]> = [
    ['headline', 'Headline/Name', d.asset.name],
    ['caption', 'Caption/Description', d.asset.description],
    ['city', 'City', ''],
    ['state', 'Province/State', ''],
    ['source', 'Source', ''],
    ['byline', 'Photographer', ''],
    ['keyword', 'Keywords', d.tags.join(', ')],
  ];
  return fields.map(([field, field_name, value]) => ({ field, field_name, value, required: '0' }));
}

function folderOf(d: AssetShapeData) {
  return { type: 'folder' as const, id: d.folder ? String(d.folder.sequence) : '0', name: d.folder ? d.folder.name : d.workspaceName, properties: [] as never[] };
}

/** The fields (b), (c) and (d) share, for one version of the asset. */
function fullCommon(links: MediaLinks, d: AssetShapeData, v: AssetVersionRow | undefined, derivatives: Map<string, DerivativeRow>) {
  const meta = metadataOf(v);
  const fileName = v?.original_file_name ?? d.asset.file_name;
  const versionNumber = v?.version_number ?? 1;
  return {
    fileName,
    versionNumber,
    meta,
    common: {
      id: String(d.asset.sequence),
      filename: fileName,
      name: d.asset.name,
      filesize: megabytes(Number(v?.size ?? 0)),
      width: String(numberOr(meta.width, 0)),
      height: String(numberOr(meta.height, 0)),
      description: v && v.id !== d.asset.current_version_id ? v.description : d.asset.description,
      filetype: extensionOf(fileName),
      colorspace: colorspaceOf(meta.color_space),
      version: String(versionNumber),
      date_created_unix: unixSecondsText(v?.created_at ?? d.asset.created_at),
      date_modified_unix: unixSecondsText(v && v.id !== d.asset.current_version_id ? v.created_at : d.asset.updated_at),
      folder: folderOf(d),
      thumbnailurls: thumbnailUrls(links, derivatives, versionNumber),
      // Atelier's locks are per asset and do not make it read-only for others' reads; Workstream uploads are never on hold.
      readonly: 0,
      readonlynext: 0,
      onhold: 0,
    },
    media: links.url(pick(derivatives, true), versionNumber),
  };
}

/** (a) Mini asset (approval lists, GET …/tasks|projects/{id}/assets). `approval` is added by the caller when asked. */
export function presentMiniAsset(links: MediaLinks, d: AssetShapeData): MiniAsset {
  const fileName = d.version?.original_file_name ?? d.asset.file_name;
  const versionNumber = d.version?.version_number ?? 1;
  const small = links.url(pick(d.derivatives, false), versionNumber);
  const preview = links.url(pick(d.derivatives, true), versionNumber);
  const ext = extensionOf(fileName);
  return {
    id: String(d.asset.sequence),
    type: 'asset',
    user: presentMiniUser(d.uploader),
    folder_id: d.folder ? String(d.folder.sequence) : '0',
    version: String(versionNumber),
    media_url: preview,
    filename: fileName,
    file_type: ext === '' ? '' : `.${ext}`,
    thumburl: { thumb100: small, thumb150: small, thumb220: small },
    type_id: typeIdOf(d.asset.asset_type_id),
    // No preview to show (a type the media pipeline does not render, or its derivatives failed).
    hide_preview: preview === '',
  };
}

const FULL_METADATA = (d: AssetShapeData) => ({
  xmp: { type: 'assetxmp' as const },
  exif: { type: 'assetexif' as const },
  required: [] as string[],
  active_fields: activeFields(d),
});

/** (b) Full asset, legacy camelCase variant (the `object` of GET approval-by-key). */
export function presentLegacyAsset(links: MediaLinks, d: AssetShapeData): LegacyAsset {
  const f = fullCommon(links, d, d.version, d.derivatives);
  return {
    ...f.common,
    type: 'asset',
    type_id: typeIdOf(d.asset.asset_type_id),
    status: 'active',
    datecreated: legacyDateTime(d.asset.created_at),
    datemodified: legacyDateTime(d.asset.updated_at),
    datecapturedUnix: null,
    datecaptured: null,
    mediaUrl: mediaHtml(f.media, f.fileName),
    hiResMediaUrl: mediaHtml(f.media, f.fileName),
    numExif: countKeys(f.meta.exif),
    numXmp: countKeys(f.meta.xmp),
    numComments: d.commentCount,
    pagecount: numberOr(f.meta.page_count, numberOr(f.meta.pages, 0)),
    user: presentMiniUser(d.uploader),
    numRelated: 0,
    metadata: FULL_METADATA(d),
  };
}

/** (c) Full asset, snake_case (GET …/tasks|projects/{id}/assets/{assetId}). */
export function presentFullAsset(links: MediaLinks, d: AssetShapeData): FullAsset {
  const f = fullCommon(links, d, d.version, d.derivatives);
  return {
    ...f.common,
    type: 'asset',
    type_id: typeIdOf(d.asset.asset_type_id),
    status: 'active',
    date_captured_unix: '0',
    media_url: mediaHtml(f.media, f.fileName),
    hi_res_media_url: mediaHtml(f.media, f.fileName),
    num_exif: countKeys(f.meta.exif),
    num_xmp: countKeys(f.meta.xmp),
    num_comments: d.commentCount,
    page_count: numberOr(f.meta.page_count, numberOr(f.meta.pages, 0)),
    user: presentMiniUser(d.uploader),
    watched: d.watched,
    num_related: 0,
    metadata: FULL_METADATA(d),
  };
}

/**
 * (d) The asset's versions (GET …/assets/{assetId}/versions): the older ones only, newest first (the seed lists
 * version 1 of an asset at version 2; spec §1.3.7 (d)). `id` is the asset's id; the uploader is not shown per version.
 */
export function presentAssetVersions(links: MediaLinks, d: AssetShapeData, versions: readonly VersionShapeData[]): AssetVersion[] {
  return versions
    .filter((v) => v.version.id !== d.asset.current_version_id)
    .map((v) => {
      const f = fullCommon(links, d, v.version, v.derivatives);
      return {
        ...f.common,
        type: 'assetversion' as const,
        type_id: null,
        status: 'inactive',
        date_captured_unix: null,
        media_url: mediaHtml(f.media, f.fileName),
        hi_res_media_url: mediaHtml(f.media, f.fileName),
        num_exif: countKeys(f.meta.exif),
        num_xmp: countKeys(f.meta.xmp),
        num_comments: 0,
        page_count: numberOr(f.meta.page_count, numberOr(f.meta.pages, 0)),
        user: presentMiniUser(undefined),
        watched: null,
        num_related: 0,
        metadata: { required: [] },
      };
    });
}
