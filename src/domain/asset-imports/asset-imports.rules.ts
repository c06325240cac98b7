import { normalizeFolderPath, sanitizeFileName } from '../../lib/safe-path.js';
import { errors, type FieldProblem } from '../errors.js';
import { parseSurfaceId } from '../ids/surface-ids.js';

/* Input rules of `POST /api/asset/import/` (spec §2.3.7). */

export const MEDIA_KINDS = ['video', 'audio', 'image'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export interface ImportRequest {
  type: MediaKind;
  production: number;
  moveAsset: boolean;
  pathFile: string;
  name?: string | undefined;
  description?: string | undefined;
  /** 0 (pending) or 1 (approved); undefined keeps the asset's (a new asset: the production's default). */
  approval?: number | undefined;
  /** Replaces the asset's custom metadata (checked against the definitions when the import runs); undefined keeps it. */
  metaFieldStore?: Record<string, unknown> | undefined;
}

const field = (pointer: string, message: string): FieldProblem => ({ in: 'body', pointer, message });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the import body (every problem at once, by JSON pointer). */
export function parseImportRequest(body: unknown): ImportRequest {
  const b = isObject(body) ? body : {};
  const problems: FieldProblem[] = [];
  const type = b['type'];
  if (type === undefined || type === null || type === '') {
    problems.push(field('/type', 'is required'));
  } else if (!(MEDIA_KINDS as readonly unknown[]).includes(type)) {
    problems.push(field('/type', `"${String(type)}" is not a valid choice: video, audio or image.`));
  }
  if (b['production'] === undefined || b['production'] === null || b['production'] === '') {
    problems.push(field('/production', 'is required'));
  }
  const asset = b['asset'];
  const meta = isObject(asset) ? asset['asset_meta'] : undefined;
  const m = isObject(meta) ? meta : undefined;
  if (!m) {
    problems.push(field(isObject(asset) ? '/asset/asset_meta' : '/asset', 'is required'));
  } else if (typeof m['path_file'] !== 'string' || m['path_file'] === '') {
    problems.push(field('/asset/asset_meta/path_file', m['path_file'] === undefined ? 'is required' : 'Not a valid string.'));
  }
  const str = (v: unknown, pointer: string): string | undefined => {
    if (v === undefined || v === null) {
      return undefined;
    }
    if (typeof v !== 'string') {
      problems.push(field(pointer, 'Not a valid string.'));
      return undefined;
    }
    return v;
  };
  const name = str(m?.['name'], '/asset/asset_meta/name');
  const description = str(m?.['description'], '/asset/asset_meta/description');
  const approval = m?.['approval'] ?? undefined;
  if (approval !== undefined && approval !== 0 && approval !== 1) {
    problems.push(field('/asset/asset_meta/approval', 'Must be 0 (pending) or 1 (approved).'));
  }
  const store = m?.['meta_field_store'] ?? undefined;
  if (store !== undefined && !isObject(store)) {
    problems.push(field('/asset/asset_meta/meta_field_store', 'Expected a dictionary of items.'));
  }
  const move = b['move_asset'] ?? false;
  if (typeof move !== 'boolean') {
    problems.push(field('/move_asset', 'Must be a valid boolean.'));
  }
  if (problems.length > 0) {
    throw errors.invalid('validation_failed', problems.map((p) => `${p.pointer}: ${p.message}`).join(' '), problems);
  }
  return {
    type: type as MediaKind,
    production: parseSurfaceId(b['production'], 'production', 'body'),
    moveAsset: move === true,
    pathFile: String(m?.['path_file']),
    name: name === '' ? undefined : name,
    description,
    approval: approval as number | undefined,
    metaFieldStore: store as Record<string, unknown> | undefined,
  };
}

/** Where the imported file lands: the folder and file name of its medialoopster path. */
export function importTarget(pathFile: string): { fileLocation: string; fileName: string } {
  const cut = pathFile.lastIndexOf('/');
  const folder = normalizeFolderPath(pathFile.slice(0, cut + 1));
  const fileName = sanitizeFileName(pathFile.slice(cut + 1));
  if (!folder.ok || !fileName) {
    throw errors.invalidField('body', 'asset/asset_meta/path_file', 'Must be the absolute path of a file.');
  }
  return { fileLocation: folder.path, fileName };
}

