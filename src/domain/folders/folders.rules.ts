import { normalizeFolderPath } from '../../lib/safe-path.js';
import { errors, type FieldProblem } from '../errors.js';

/*
 * Folder paths are `/a/b/` (lib/safe-path.ts normalises them); the root `/` is implicit and has no row. Every path
 * rule lives here so the service, the upload commit and asset moves agree on them.
 */

/** `/a/b/` -> ['/a/', '/a/b/'], top-down; the root has none. */
export function pathPrefixes(path: string): string[] {
  const segments = path.split('/').filter((s) => s !== '');
  return segments.map((_, i) => `/${segments.slice(0, i + 1).join('/')}/`);
}

/** The last segment of `/a/b/` ('b'); '' for the root. */
export function folderNameOf(path: string): string {
  return path.split('/').filter((s) => s !== '').pop() ?? '';
}

/** `/a/b/` -> `/a/`; a top-level folder's parent is the root `/`. */
export function parentPathOf(path: string): string {
  const prefixes = pathPrefixes(path);
  return prefixes[prefixes.length - 2] ?? '/';
}

/** True when `path` is `folder` itself or lies below it. */
export function isWithin(path: string, folder: string): boolean {
  return path.startsWith(folder);
}

/** `path` with its leading `from` prefix replaced by `to` (a folder move). */
export function replacePrefix(path: string, from: string, to: string): string {
  return `${to}${path.slice(from.length)}`;
}

/** A client's folder path in `/a/b/` form (the root `/` allowed); `..` is refused. */
export function cleanFolderPath(value: string, field: string, part: FieldProblem['in']): string {
  const r = normalizeFolderPath(value);
  if (!r.ok) {
    throw errors.invalidField(part, field, r.reason);
  }
  return r.path;
}

/** Like cleanFolderPath, for a folder that gets a row: the root is refused. */
export function cleanFolderRowPath(value: string, field: string, part: FieldProblem['in']): string {
  const path = cleanFolderPath(value, field, part);
  if (path === '/') {
    throw errors.invalidField(part, field, 'must name a folder below the root "/"');
  }
  return path;
}

/** A folder name (one path segment); slashes are refused rather than read as a path. */
export function cleanFolderName(value: string, field: string, part: FieldProblem['in']): string {
  if (/[/\\]/.test(value)) {
    throw errors.invalidField(part, field, 'must be a single folder name without "/"');
  }
  const path = cleanFolderPath(value, field, part);
  if (path === '/') {
    throw errors.invalidField(part, field, 'must not be empty');
  }
  return folderNameOf(path);
}
