import { MAX_FILE_NAME_BYTES, sanitizeFileName, truncateUtf8 } from './safe-path.js';

/*
 * Entry names of a downloaded ZIP. Stored names are already cleaned on the way in (safe-path.ts), but a ZIP entry
 * becomes a path on the user's disk when extracted ("zip slip"), so every name is cleaned again here: no absolute
 * paths, no `..`, no backslashes, no control characters, and no two entries that extract to the same file.
 */

/** ZIP entry names are limited to 0xffff bytes; keep far below, as file systems limit whole paths too. */
const MAX_ENTRY_BYTES = 4096;

/** `folder` (`/a/b/`) + `fileName` as a relative ZIP path `a/b/name`, every segment cleaned. */
export function zipEntryName(folder: string, fileName: string): string {
  const segments: string[] = [];
  for (const raw of folder.split(/[/\\]/)) {
    const seg = sanitizeFileName(raw);
    // sanitizeFileName strips leading dots, so `..` and `.` come back undefined and are dropped.
    if (seg !== undefined) {
      segments.push(seg);
    }
  }
  const name = sanitizeFileName(fileName) ?? 'file';
  const dir = truncateUtf8(segments.join('/'), MAX_ENTRY_BYTES - 256);
  return dir === '' ? name : `${dir.replace(/\/+$/, '')}/${name}`;
}

/**
 * `a/b/name.ext` -> `a/b/name (n).ext` (the suffix goes before the last extension of the last segment). The last
 * segment stays within `maxBytes` of UTF-8 (a file name's limit, MAX_FILE_NAME_BYTES): the stem is shortened to make
 * room for the suffix, keeping the extension; an extension too long to keep is shortened with the rest.
 */
export function numberedName(entry: string, n: number, maxBytes = MAX_FILE_NAME_BYTES): string {
  const slash = entry.lastIndexOf('/');
  const dir = entry.slice(0, slash + 1);
  const base = entry.slice(slash + 1);
  const suffix = ` (${n})`;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot) : '';
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const room = maxBytes - Buffer.byteLength(suffix) - Buffer.byteLength(ext);
  if (room >= 1) {
    const kept = truncateUtf8(stem, room);
    if (kept !== '') {
      return `${dir}${kept}${suffix}${ext}`;
    }
  }
  return `${dir}${truncateUtf8(base, maxBytes - Buffer.byteLength(suffix))}${suffix}`;
}

/**
 * Hands out unique entry names. Comparison ignores case, because macOS and Windows extract `A.png` and `a.png` to the
 * same file; a name that is also a folder prefix of another entry (`a` and `a/b`) is numbered as well.
 */
export class UniqueEntryNames {
  private readonly taken = new Set<string>();
  private readonly folders = new Set<string>();

  take(entry: string): string {
    const segments = entry.split('/');
    // A folder on the way that is already a file: number that folder (`a (2)/b.txt`).
    for (let i = 0; i < segments.length - 1; i++) {
      const original = segments[i] ?? '';
      for (let n = 2; this.taken.has(segments.slice(0, i + 1).join('/').toLowerCase()); n++) {
        segments[i] = `${original} (${n})`;
      }
    }
    const fixed = segments.join('/');
    let candidate = fixed;
    for (let n = 2; this.taken.has(candidate.toLowerCase()) || this.folders.has(candidate.toLowerCase()); n++) {
      candidate = numberedName(fixed, n);
    }
    this.taken.add(candidate.toLowerCase());
    const parts = candidate.toLowerCase().split('/');
    for (let i = 1; i < parts.length; i++) {
      this.folders.add(parts.slice(0, i).join('/'));
    }
    return candidate;
  }
}
