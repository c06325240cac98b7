import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { Asset } from '../sdk/client.js';
import type { Session } from './session.js';
import { configDir } from './profile.js';
import { normaliseFolder } from './session.js';

/** A local file and where it goes on the server. */
export interface LocalFile {
  abs: string;
  /** Server folder, `/a/b/`. */
  folder: string;
  name: string;
  size: number;
  /** Last modification (ms): with the size, what tells a changed file from the one an upload started with. */
  mtimeMs: number;
}

const PARTIAL = /\.atelier-part(\.etag)?$/;

/** Files and folders under `dir`, mapped below the server folder `into` (dot-files and partial downloads skipped). */
export function walk(dir: string, into: string): { files: LocalFile[]; folders: string[] } {
  const files: LocalFile[] = [];
  const folders: string[] = [];
  const visit = (d: string, folder: string): void => {
    folders.push(folder);
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || PARTIAL.test(entry.name)) {
        continue;
      }
      const p = join(d, entry.name);
      if (entry.isDirectory()) {
        visit(p, normaliseFolder(`${folder}${entry.name}`));
      } else if (entry.isFile()) {
        const st = statSync(p);
        files.push({ abs: p, folder, name: entry.name, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
  };
  visit(resolve(dir), normaliseFolder(into));
  return { files, folders };
}

/** The command line's files and folders: a file goes into `to`, a folder into `to/<its name>/` with its layout. */
export function collectInputs(inputs: string[], to: string): { files: LocalFile[]; folders: string[] } {
  const files: LocalFile[] = [];
  const folders: string[] = [];
  for (const input of inputs) {
    const abs = resolve(input);
    const st = statSync(abs);
    if (st.isDirectory()) {
      const w = walk(abs, normaliseFolder(`${to}/${basename(abs)}`));
      files.push(...w.files);
      folders.push(...w.folders);
    } else {
      files.push({ abs, folder: normaliseFolder(to), name: basename(abs), size: st.size, mtimeMs: st.mtimeMs });
    }
  }
  return { files, folders };
}

/** Server path of an asset: `/a/b/name.ext`. */
export const remotePath = (a: Pick<Asset, 'file_location' | 'file_name'>): string => `${normaliseFolder(a.file_location)}${a.file_name}`;

/** The live assets under a folder (recursive), by path. */
export async function remoteIndex(session: Session, folder: string): Promise<Map<string, Asset>> {
  const index = new Map<string, Asset>();
  for await (const asset of session.client.searchAssets({ folder: normaliseFolder(folder), recursive: true })) {
    index.set(remotePath(asset), asset);
  }
  return index;
}

/** The relative local path of a server path below `folder`, with the platform's separators. */
export function localRelative(folder: string, path: string): string {
  return relative(normaliseFolder(folder), path).split('/').join(sep);
}

/*
 * Resume state of uploads: one small file per upload in progress, under <config dir>/uploads/, holding its tus URL.
 * Keyed by server, workspace, the local file, its destination, its size and modification time, so a changed file
 * starts afresh (and should a change keep both, the server's checksum check at completion still refuses the mix).
 */
function resumeFile(session: Session, file: LocalFile): string {
  const key = createHash('sha256')
    .update([session.profile.url, session.profile.workspace_id ?? '', file.abs, file.folder, file.name, file.size, file.mtimeMs].join('\n'))
    .digest('hex')
    .slice(0, 32);
  return join(configDir(session.env), 'uploads', `${key}.json`);
}

export function readResumeUrl(session: Session, file: LocalFile): string | undefined {
  try {
    return (JSON.parse(readFileSync(resumeFile(session, file), 'utf8')) as { url?: string }).url;
  } catch {
    return undefined;
  }
}

export function writeResumeUrl(session: Session, file: LocalFile, url: string): void {
  const path = resumeFile(session, file);
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  // Written aside and renamed into place: a kill mid-write, or a reader at that moment, never sees half a file.
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, JSON.stringify({ url, path: file.abs, created_at: new Date().toISOString() }), { mode: 0o600 });
  renameSync(aside, path);
}

export function clearResumeUrl(session: Session, file: LocalFile): void {
  rmSync(resumeFile(session, file), { force: true });
}

interface FolderNode {
  path: string;
  children: FolderNode[];
}

/** Every server folder below `folder` (itself excluded), empty ones included, as `/a/b/` paths. */
export async function remoteSubfolders(session: Session, folder: string): Promise<string[]> {
  const tree = ((await session.client.api.GET('/workspaces/folders/hierarchy')).data ?? []) as unknown as FolderNode[];
  const root = normaliseFolder(folder);
  const out: string[] = [];
  const visit = (nodes: FolderNode[]): void => {
    for (const n of nodes) {
      const p = normaliseFolder(n.path);
      if (p !== root && p.startsWith(root)) out.push(p);
      visit(n.children ?? []);
    }
  };
  visit(tree);
  return out;
}
