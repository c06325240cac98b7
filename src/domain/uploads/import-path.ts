import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { checkServerPath, isInsideRoot } from '../../lib/safe-path.js';
import { errors } from '../errors.js';

/** A server path resolved (symlinks included) to a place inside one of the import roots. */
export interface ResolvedImportPath {
  /** The real path. */
  path: string;
  isDirectory: boolean;
}

async function realRoots(roots: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const root of roots) {
    const real = await realpath(root).catch(() => undefined);
    if (real !== undefined) {
      out.push(real);
    }
  }
  return out;
}

/**
 * Checks a client's server path for an import: `..` is refused (400), the path is resolved with realpath (so a
 * symlink is judged by where it points) and must stay inside an IMPORT_ROOTS entry (403). No roots: 403.
 */
export async function resolveImportPath(roots: readonly string[], input: string): Promise<ResolvedImportPath> {
  if (roots.length === 0) {
    throw errors.forbidden('import_path_disabled', 'Imports from server paths are disabled (IMPORT_ROOTS is not set).');
  }
  const checked = checkServerPath(input);
  if (!checked.ok) {
    throw errors.invalidField('body', 'path', checked.reason);
  }
  const real = await realpath(checked.path).catch(() => undefined);
  const allowed = await realRoots(roots);
  if (real === undefined || !allowed.some((root) => isInsideRoot(root, real))) {
    // The same answer for "absent" and "outside": a client cannot probe the server's file system.
    throw errors.forbidden('import_path_forbidden', 'The path does not exist inside an import root.');
  }
  const s = await stat(real);
  if (!s.isDirectory() && !s.isFile()) {
    throw errors.invalidField('body', 'path', 'is neither a file nor a directory');
  }
  return { path: real, isDirectory: s.isDirectory() };
}

export interface ImportFile {
  /** Real path of the file. */
  path: string;
  /** Directory relative to the imported directory ('' at its top), for the folder path in the workspace. */
  relativeDir: string;
  name: string;
}

export interface WalkResult {
  files: ImportFile[];
  /** Entries that were skipped, with the reason (symlinks out of the roots, special files). */
  skipped: Array<{ path: string; message: string }>;
}

/**
 * Every regular file under `dir`, depth first in name order. Symlinks are followed only when their target stays
 * inside an import root, and symlinked directories are not entered (no cycles).
 */
export async function walkImportDir(roots: readonly string[], dir: string): Promise<WalkResult> {
  const allowed = await realRoots(roots);
  const files: ImportFile[] = [];
  const skipped: WalkResult['skipped'] = [];
  async function visit(current: string): Promise<void> {
    const entries: Dirent[] = (await readdir(current, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const full = join(current, entry.name);
      const rel = relative(dir, full);
      if (entry.isDirectory()) {
        await visit(full);
      } else if (entry.isFile()) {
        files.push({ path: full, relativeDir: relative(dir, current), name: entry.name });
      } else if (entry.isSymbolicLink()) {
        const target = await realpath(full).catch(() => undefined);
        const s = target === undefined ? undefined : await stat(target).catch(() => undefined);
        if (target === undefined || !allowed.some((root) => isInsideRoot(root, target))) {
          skipped.push({ path: rel, message: 'symlink points outside the import roots' });
        } else if (s?.isFile()) {
          files.push({ path: target, relativeDir: relative(dir, current), name: entry.name });
        } else {
          skipped.push({ path: rel, message: 'symlinked directories are not followed' });
        }
      } else {
        skipped.push({ path: rel, message: 'not a regular file' });
      }
    }
  }
  await visit(dir);
  return { files, skipped };
}
