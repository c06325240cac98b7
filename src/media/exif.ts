import { open } from 'node:fs/promises';
import { lazyModule } from '../lib/lazy-module.js';

const exifr = lazyModule<typeof import('exifr').default>('exifr');

/** EXIF, XMP and IPTC of JPEG, PNG and WebP sit in a file's first bytes; a TIFF's tail IFDs are missed (documented). */
const HEAD_BYTES = 2 * 1024 * 1024;

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** EXIF/XMP/IPTC as small JSON-safe objects: no binary values, short strings, a capped number of fields. */
export type EmbeddedMetadata = Partial<Record<'exif' | 'gps' | 'xmp' | 'iptc', Record<string, JsonValue>>>;
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const MAX_STRING = 500;
const MAX_FIELDS = 80;
const MAX_ARRAY = 20;
const MAX_DEPTH = 3;
/** The whole block's JSON may be at most this long; past it, sections are dropped (xmp first). */
const MAX_JSON = 16 * 1024;
// Opaque vendor blobs and thumbnails: never useful as text.
const SKIP = new Set(['MakerNote', 'UserComment', 'PrintIM', 'ThumbnailOffset', 'ThumbnailLength', 'ComponentsConfiguration']);

/** A JSON-safe copy of `value` (Dates as ISO strings; binary, functions and non-finite numbers dropped). */
export function jsonSafe(value: unknown, depth = 0): JsonValue | undefined {
  if (value === null || typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : undefined;
  }
  if (typeof value === 'string') {
    // NUL cannot be stored in PostgreSQL text.
    return value.replace(/\u0000/g, '').slice(0, MAX_STRING);
  }
  if (typeof value === 'bigint') {
    return Number(value);
  }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || depth >= MAX_DEPTH) {
    return undefined;
  }
  if (Array.isArray(value)) {
    return value.slice(0, MAX_ARRAY).map((v) => jsonSafe(v, depth + 1)).filter((v): v is JsonValue => v !== undefined);
  }
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    let n = 0;
    for (const [k, v] of Object.entries(value)) {
      if (n >= MAX_FIELDS || SKIP.has(k)) {
        continue;
      }
      const safe = jsonSafe(v, depth + 1);
      if (safe !== undefined) {
        out[k.slice(0, 100)] = safe;
        n += 1;
      }
    }
    return out;
  }
  return undefined;
}

/**
 * Reads EXIF (IFD0 + Exif IFD merged), GPS, XMP and IPTC from an image file. A file without them, or whose blocks
 * are broken, gives {} (metadata is a bonus: it never fails a job).
 */
export async function readEmbeddedMetadata(path: string): Promise<EmbeddedMetadata> {
  let raw: Record<string, unknown> | undefined;
  try {
    // exifr's chunked file reader fails on some valid JPEGs (sharp's, for one), so it gets bytes: the file's head,
    // never the whole file.
    const input = await readHead(path, HEAD_BYTES);
    raw = (await exifr().parse(input, { tiff: true, exif: true, gps: true, xmp: true, iptc: true, icc: false, jfif: false, ihdr: false, mergeOutput: false, translateValues: true, reviveValues: true })) as
      | Record<string, unknown>
      | undefined;
  } catch {
    return {};
  }
  if (!raw) {
    return {};
  }
  const section = (...names: string[]): Record<string, JsonValue> | undefined => {
    const merged = Object.assign({}, ...names.map((n) => (raw?.[n] && typeof raw[n] === 'object' ? raw[n] : {}))) as Record<string, unknown>;
    const safe = jsonSafe(merged);
    return safe && typeof safe === 'object' && !Array.isArray(safe) && Object.keys(safe).length > 0 ? safe : undefined;
  };
  const out: EmbeddedMetadata = {};
  const parts: Array<[keyof EmbeddedMetadata, Record<string, JsonValue> | undefined]> = [
    ['exif', section('ifd0', 'exif')],
    ['gps', section('gps')],
    ['iptc', section('iptc')],
    ['xmp', section('xmp', 'dc', 'photoshop', 'xmp-rights', 'xmpRights', 'aux', 'crs')],
  ];
  for (const [name, value] of parts) {
    if (value) {
      out[name] = value;
    }
  }
  for (const name of ['xmp', 'iptc', 'gps', 'exif'] as const) {
    if (JSON.stringify(out).length <= MAX_JSON) {
      break;
    }
    delete out[name];
  }
  return out;
}
