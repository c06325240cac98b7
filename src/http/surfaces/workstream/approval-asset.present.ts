import type { AssetRow, AssetVersionRow, FolderRow, UserRow } from '../../../db/schema.js';
import { unixSecondsText } from './conventions.js';

/*
 * The asset inside an approval (spec §1.3.7a mini, §1.3.7b legacy full). TODO(#14): swap for the shared presenters of
 * asset-shapes.ts (branch ws-tasks) once merged; everything the approval presenter needs goes through these two.
 */

export interface ApprovalAsset {
  asset: AssetRow;
  version: AssetVersionRow | undefined;
  folder: FolderRow | undefined;
  uploader: UserRow | undefined;
  /** Base URL for links (PUBLIC_URL), '' for relative links. */
  base: string;
}

const TYPE_ID: Record<string, string> = { image: '1', video: '2', audio: '3', document: '4' };
const ext = (name: string): string => (name.includes('.') ? (name.split('.').pop() ?? '').toLowerCase() : '');
const pad = (n: number) => String(n).padStart(2, '0');
function legacyDate(iso: string): string {
  const d = new Date(iso);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** The derivative URL of the approved version on the core API. */
export function derivativeUrl(a: ApprovalAsset, kind: 'thumbnail' | 'preview'): string {
  return a.version ? `${a.base}/workspaces/assets/${a.asset.id}/versions/${a.version.id}/derivatives/${kind}` : '';
}

function miniUser(u: UserRow | undefined) {
  return u
    ? { type: 'user' as const, id: String(u.sequence), email: u.email, name: `${u.first_name} ${u.last_name}`, username: u.username, status: u.is_active === 1 ? 'active' : 'inactive' }
    : { type: 'user' as const, id: null, email: null, name: ' ', username: null, status: null };
}

export function presentMiniAsset(a: ApprovalAsset) {
  const thumb = derivativeUrl(a, 'thumbnail');
  return {
    id: String(a.asset.sequence),
    type: 'asset' as const,
    user: miniUser(a.uploader),
    folder_id: String(a.folder?.sequence ?? 0),
    version: String(a.version?.version_number ?? 1),
    media_url: derivativeUrl(a, 'preview'),
    filename: a.asset.file_name,
    file_type: ext(a.asset.file_name) === '' ? '' : `.${ext(a.asset.file_name)}`,
    thumburl: { thumb100: thumb, thumb150: thumb, thumb220: thumb },
    type_id: TYPE_ID[a.asset.asset_type_id] ?? '5',
    hide_preview: false,
  };
}

function dims(v: AssetVersionRow | undefined): { width: string; height: string } {
  try {
    const m = JSON.parse(v?.metadata ?? '{}') as { width?: unknown; height?: unknown };
    return { width: typeof m.width === 'number' ? String(m.width) : '0', height: typeof m.height === 'number' ? String(m.height) : '0' };
  } catch {
    return { width: '0', height: '0' };
  }
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Webdam's media URL fragment: a processing placeholder and the preview image (clients read `src`). */
const mediaFragment = (url: string, name: string): string =>
  `<div class="asset-proc-wrapper hide"><div class="asset_proc proc-details image_220px" style="display:block;">Asset Processing</div></div><img src="${escapeAttr(url)}" border=0 alt="${escapeAttr(name)}" title="${escapeAttr(name)}">`;

const ACTIVE_FIELDS: Array<[string, string]> = [
  ['headline', 'Headline/Name'],
  ['caption', 'Caption/Description'],
  ['city', 'City'],
  ['state', 'Province/State'],
  ['source', 'Source'],
  ['byline', 'Photographer'],
  ['keyword', 'Keywords'],
];

export function presentLegacyAsset(a: ApprovalAsset) {
  const thumb = derivativeUrl(a, 'thumbnail');
  const preview = derivativeUrl(a, 'preview');
  const created = a.asset.created_at;
  const modified = a.asset.updated_at;
  return {
    id: String(a.asset.sequence),
    type: 'asset' as const,
    type_id: TYPE_ID[a.asset.asset_type_id] ?? '5',
    status: a.asset.is_active === 1 ? 'active' : 'inactive',
    filename: a.asset.file_name,
    name: a.asset.name,
    filesize: ((a.version?.size ?? 0) / (1024 * 1024)).toFixed(2),
    ...dims(a.version),
    description: a.asset.description,
    filetype: ext(a.asset.file_name),
    colorspace: 'RGB',
    version: String(a.version?.version_number ?? 1),
    datecreated: legacyDate(created),
    date_created_unix: unixSecondsText(created),
    datemodified: legacyDate(modified),
    date_modified_unix: unixSecondsText(modified),
    datecapturedUnix: null,
    datecaptured: null,
    mediaUrl: mediaFragment(preview, a.asset.name),
    hiResMediaUrl: mediaFragment(preview, a.asset.name),
    numExif: 0,
    numXmp: 0,
    numComments: 0,
    pagecount: 0,
    folder: { type: 'folder' as const, id: String(a.folder?.sequence ?? 0), name: a.folder?.name ?? '', properties: [] },
    user: miniUser(a.uploader),
    thumbnailurls: [100, 150, 220, 310, 550, 1280].map((size) => (size === 550 ? { size, url: size > 220 ? preview : thumb, previewurls: [] } : { size, url: size > 220 ? preview : thumb })),
    numRelated: 0,
    readonly: 0,
    readonlynext: 0,
    onhold: 0,
    metadata: {
      xmp: { type: 'assetxmp' as const },
      exif: { type: 'assetexif' as const },
      required: [],
      active_fields: ACTIVE_FIELDS.map(([field, field_name]) => ({ field, field_name, value: field === 'headline' ? a.asset.name : field === 'caption' ? a.asset.description : '', required: '0' })),
    },
  };
}
