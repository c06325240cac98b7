import { fileExtension } from '../../lib/safe-path.js';

/*
 * The static catalogue of asset types (Mudstack's `assetType`). Ids are stable strings; clients may keep them.
 * A file is classified by its sniffed content type first and by its extension second, so a lying extension does not
 * change what the bytes are.
 */

export const ASSET_TYPE_IDS = ['image', 'video', 'audio', 'document', 'model3d', 'archive', 'project', 'font', 'other'] as const;
export type AssetTypeId = (typeof ASSET_TYPE_IDS)[number];

export interface AssetType {
  id: AssetTypeId;
  name: string;
  displayType: string;
  color: string;
  /** True for the catch-all type that has no preview of its own. */
  generic: boolean;
  knownExtensions: readonly string[];
}

export const ASSET_TYPES: readonly AssetType[] = [
  { id: 'image', name: 'Image', displayType: 'image', color: '#3B82F6', generic: false,
    knownExtensions: ['png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'tif', 'tiff', 'bmp', 'svg', 'heic', 'heif', 'psd', 'exr', 'hdr', 'tga', 'dds', 'kra', 'xcf'] },
  { id: 'video', name: 'Video', displayType: 'video', color: '#EF4444', generic: false,
    knownExtensions: ['mp4', 'mov', 'm4v', 'mkv', 'webm', 'avi', 'mxf', 'mpg', 'mpeg', 'wmv', 'flv', 'mts', 'm2ts'] },
  { id: 'audio', name: 'Audio', displayType: 'audio', color: '#F59E0B', generic: false,
    knownExtensions: ['wav', 'mp3', 'flac', 'aac', 'm4a', 'ogg', 'opus', 'aif', 'aiff', 'wma'] },
  { id: 'document', name: 'Document', displayType: 'document', color: '#10B981', generic: false,
    knownExtensions: ['pdf', 'txt', 'md', 'rtf', 'doc', 'docx', 'odt', 'xls', 'xlsx', 'ods', 'csv', 'ppt', 'pptx', 'odp', 'json', 'xml', 'yaml', 'yml'] },
  { id: 'model3d', name: '3D Model', displayType: '3d', color: '#8B5CF6', generic: false,
    knownExtensions: ['fbx', 'obj', 'gltf', 'glb', 'blend', 'stl', 'dae', '3ds', 'usd', 'usda', 'usdc', 'usdz', 'ply', 'abc', 'max', 'ma', 'mb', 'c4d', 'ztl', 'spp', 'sbsar'] },
  { id: 'archive', name: 'Archive', displayType: 'archive', color: '#6B7280', generic: false,
    knownExtensions: ['zip', 'rar', '7z', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'zst'] },
  { id: 'project', name: 'Project', displayType: 'project', color: '#EC4899', generic: false,
    knownExtensions: ['prproj', 'aep', 'drp', 'fcpxml', 'otio', 'aaf', 'edl', 'xml', 'ai', 'indd', 'fig', 'sketch', 'unitypackage', 'uasset'] },
  { id: 'font', name: 'Font', displayType: 'font', color: '#14B8A6', generic: false,
    knownExtensions: ['ttf', 'otf', 'woff', 'woff2'] },
  { id: 'other', name: 'Other', displayType: 'file', color: '#9CA3AF', generic: true, knownExtensions: [] },
];

const BY_ID = new Map<string, AssetType>(ASSET_TYPES.map((t) => [t.id, t]));

/** The catalogue entry of an id (unknown ids read as `other`, so old rows never break presenting). */
export function assetTypeById(id: string): AssetType {
  return BY_ID.get(id) ?? (BY_ID.get('other') as AssetType);
}

function typeOfContentType(contentType: string): AssetTypeId | undefined {
  const ct = contentType.toLowerCase();
  if (ct.startsWith('image/')) {
    return 'image';
  }
  if (ct.startsWith('video/')) {
    return 'video';
  }
  if (ct.startsWith('audio/')) {
    return 'audio';
  }
  if (ct.startsWith('font/') || ct === 'application/font-woff') {
    return 'font';
  }
  if (ct.startsWith('model/')) {
    return 'model3d';
  }
  if (ct === 'application/pdf' || ct.startsWith('text/') || ct.startsWith('application/vnd.openxmlformats') ||
      ct.startsWith('application/vnd.oasis.opendocument') || ct === 'application/msword' || ct === 'application/rtf') {
    return 'document';
  }
  if (['application/zip', 'application/x-rar-compressed', 'application/x-7z-compressed', 'application/x-tar',
       'application/gzip', 'application/x-bzip2', 'application/x-xz', 'application/zstd'].includes(ct)) {
    return 'archive';
  }
  return undefined;
}

// Extensions are matched in catalogue order; `xml` is a document before it is a project.
const BY_EXTENSION = new Map<string, AssetTypeId>();
for (const t of ASSET_TYPES) {
  for (const ext of t.knownExtensions) {
    if (!BY_EXTENSION.has(ext)) {
      BY_EXTENSION.set(ext, t.id);
    }
  }
}

/**
 * Classifies a file. The sniffed content type decides when it names a specific kind of media; container formats
 * (a zip may be a .usdz, .sbsar or .unitypackage) and unrecognised bytes fall back to the extension.
 */
export function classifyAssetType(input: { contentType: string; fileName: string }): AssetTypeId {
  const bySniff = typeOfContentType(input.contentType);
  if (bySniff && bySniff !== 'archive' && bySniff !== 'document') {
    return bySniff;
  }
  const byExt = BY_EXTENSION.get(fileExtension(input.fileName));
  if (bySniff === 'document' && input.contentType !== 'text/plain') {
    return 'document';
  }
  return byExt ?? bySniff ?? 'other';
}
