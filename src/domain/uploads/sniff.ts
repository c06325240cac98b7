import type { Readable } from 'node:stream';
import type { BlobStore } from '../../blobs/blob-store.js';
import { lazyImport } from '../../lib/lazy-module.js';
import { fileExtension } from '../../lib/safe-path.js';

/** file-type (ES module only), loaded with the first upload. */
const fileType = lazyImport(() => import('file-type'));

/** file-type needs at most this many bytes from the start of a file. */
export const SNIFF_BYTES = 4100;

/**
 * Formats file-type cannot recognise (text, JSON-based 3D formats) get a type from their extension. Only types
 * that are harmless to label go here; anything else is application/octet-stream.
 */
const TEXTUAL_BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  xml: 'application/xml',
  svg: 'image/svg+xml',
  gltf: 'model/gltf+json',
  obj: 'model/obj',
  mtl: 'model/mtl',
  usda: 'model/vnd.usda',
  edl: 'text/plain',
  otio: 'application/json',
};

export const OCTET_STREAM = 'application/octet-stream';

const TIFF_MAGIC = [Buffer.from([0x49, 0x49, 0x2a, 0x00]), Buffer.from([0x4d, 0x4d, 0x00, 0x2a])];

/** Keeps a copy of the first SNIFF_BYTES bytes of a stream as a blob store stores it (PutOptions.onChunk). */
export class HeadCapture {
  private readonly chunks: Buffer[] = [];
  private captured = 0;

  readonly observe = (chunk: Buffer): void => {
    if (this.captured < SNIFF_BYTES) {
      const part = chunk.subarray(0, SNIFF_BYTES - this.captured);
      this.chunks.push(Buffer.from(part));
      this.captured += part.length;
    }
  };

  head(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** The content type of a file from its first bytes (file-type), else from a small table of textual extensions. */
export async function sniffContentType(head: Uint8Array, fileName: string): Promise<string> {
  const detected = head.length > 0 ? await (await fileType()).fileTypeFromBuffer(head) : undefined;
  if (detected) {
    return detected.mime;
  }
  // file-type follows a TIFF's first IFD offset, which writers such as libtiff put at the END of the file, past the
  // head we sniff: the TIFF magic alone is enough to call it a TIFF.
  if (TIFF_MAGIC.some((m) => Buffer.from(head.subarray(0, 4)).equals(m))) {
    return 'image/tiff';
  }
  return TEXTUAL_BY_EXTENSION[fileExtension(fileName)] ?? OCTET_STREAM;
}

/** Sniffs a blob already in the store (tus and presigned uploads, whose bytes never passed through us). */
export async function sniffBlob(blobs: BlobStore, key: string, size: number, fileName: string): Promise<string> {
  if (size === 0) {
    return sniffContentType(new Uint8Array(), fileName);
  }
  const stream: Readable = await blobs.get(key, { start: 0, end: Math.min(size, SNIFF_BYTES) - 1 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return sniffContentType(Buffer.concat(chunks), fileName);
}
