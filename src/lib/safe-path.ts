/*
 * Names and folder paths from clients are never trusted (supabase's resolveSecureFilesystemPath covers the same
 * cases). They are stored in the database only, never used as file system paths, but they end up in ZIP entries,
 * Content-Disposition headers and sync clients' disks, so they are made safe once, here.
 */

/** Largest file name, in UTF-8 bytes (the common file-system limit). */
export const MAX_FILE_NAME_BYTES = 255;
/** Largest folder path, in UTF-8 bytes. */
export const MAX_FOLDER_PATH_BYTES = 1024;

// C0/C1 control characters and DEL; also the Unicode bidi overrides that disguise extensions ("gpj.exe").
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
export function truncateUtf8(value: string, max: number): string {
  if (Buffer.byteLength(value, 'utf8') <= max) {
    return value;
  }
  let out = '';
  let bytes = 0;
  for (const ch of value) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > max) {
      break;
    }
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * A client's file name made safe, at any length: the last path segment only (both `/` and `\` separate), no control
 * characters, no leading or trailing dots/spaces that would hide the file or make `..`. Returns undefined when
 * nothing usable is left (e.g. `..` or `///`). Input paths check the length of the result (fitsFileName) and refuse
 * a name that is too long: cutting it would make two different names one (issue #12).
 */
export function cleanFileNameText(input: string): string | undefined {
  const lastSegment = input.split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment
    .normalize('NFC')
    .replace(UNSAFE_CHARS, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '');
  return cleaned === '' ? undefined : cleaned;
}

/** True when `name` fits a file system's name limit (MAX_FILE_NAME_BYTES of UTF-8). */
export const fitsFileName = (name: string): boolean => Buffer.byteLength(name, 'utf8') <= MAX_FILE_NAME_BYTES;

/**
 * cleanFileNameText for names going OUT (ZIP entries, Content-Disposition), where a stored name must always yield a
 * usable one: at most 255 bytes, cut with the extension kept.
 */
export function sanitizeFileName(input: string): string | undefined {
  const cleaned = cleanFileNameText(input);
  if (cleaned === undefined || fitsFileName(cleaned)) {
    return cleaned;
  }
  // Keep a short extension so the type stays recognisable.
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 16 ? cleaned.slice(dot) : '';
  const stem = truncateUtf8(ext ? cleaned.slice(0, dot) : cleaned, MAX_FILE_NAME_BYTES - Buffer.byteLength(ext, 'utf8'));
  return `${stem.replace(/[\s.]+$/, '')}${ext}`;
}

export type FolderPathResult = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Normalises a folder path to `/a/b/` form: `\` becomes `/`, empty and `.` segments go, each segment is cleaned like
 * a file name. A `..` segment is refused rather than resolved, so a path can never climb out of where the client
 * thinks it is; a segment over 255 bytes is refused rather than cut. Empty input is the root `/`.
 */
export function normalizeFolderPath(input: string): FolderPathResult {
  const segments: string[] = [];
  for (const raw of input.split(/[/\\]/)) {
    const seg = raw.normalize('NFC').replace(UNSAFE_CHARS, '').trim();
    if (seg === '' || seg === '.') {
      continue;
    }
    if (/^\.{2,}$/.test(seg)) {
      return { ok: false, reason: 'must not contain ".." segments' };
    }
    const clean = cleanFileNameText(seg);
    if (clean === undefined) {
      return { ok: false, reason: `has an unusable segment "${seg}"` };
    }
    if (!fitsFileName(clean)) {
      return { ok: false, reason: `has a folder name longer than ${MAX_FILE_NAME_BYTES} bytes (UTF-8)` };
    }
    segments.push(clean);
  }
  const path = segments.length === 0 ? '/' : `/${segments.join('/')}/`;
  if (Buffer.byteLength(path, 'utf8') > MAX_FOLDER_PATH_BYTES) {
    return { ok: false, reason: `must be at most ${MAX_FOLDER_PATH_BYTES} bytes` };
  }
  return { ok: true, path };
}

/** The extension of a file name, lowercased, without the dot ('' when none). */
export function fileExtension(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
}

export type ServerPathResult = { ok: true; path: string } | { ok: false; reason: string };

/**
 * A server-side path from a client (imports): absolute, no NUL, no `.` or `..` segments (refused, never resolved),
 * no repeated or trailing slashes kept. Whether it stays inside an allowed root is checked after realpath.
 */
export function checkServerPath(input: string): ServerPathResult {
  if (!input.startsWith('/')) {
    return { ok: false, reason: 'must be an absolute path' };
  }
  if (input.includes('\u0000')) {
    return { ok: false, reason: 'must not contain NUL characters' };
  }
  const segments = input.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) {
    return { ok: false, reason: 'must not contain "." or ".." segments' };
  }
  return { ok: true, path: `/${segments.join('/')}` };
}

/** True when the absolute, resolved `candidate` is `root` itself or inside it (not merely sharing a prefix). */
export function isInsideRoot(root: string, candidate: string): boolean {
  const base = root.endsWith('/') ? root.slice(0, -1) : root;
  return candidate === base || candidate.startsWith(`${base}/`) || (base === '' && candidate.startsWith('/'));
}

/** The folder path `base` + a relative directory (`a/b`), for commitUpload's `/a/b/` form (normalised there). */
export function joinFolderPath(base: string, relativeDir: string): string {
  const rel = relativeDir.split(/[/\\]/).filter((s) => s !== '' && s !== '.').join('/');
  const trimmed = base.endsWith('/') ? base : `${base}/`;
  return rel === '' ? trimmed : `${trimmed}${rel}/`;
}
