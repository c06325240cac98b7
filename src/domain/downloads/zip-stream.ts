import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { Logger } from 'pino';
import { ZipFile } from 'yazl';
import type { BlobStore } from '../../blobs/blob-store.js';
import { crashPoint } from '../../lib/crash-points.js';

/*
 * yazl computes each entry's CRC-32 with buffer-crc32, in JavaScript: about 440 MB/s on the event loop, which made
 * it the ceiling of every bulk download (bench/zip: 215 MB/s, a whole core) and stalled other requests for ~2 ms per
 * MiB sent. Node's zlib.crc32 (20.15+) is the same CRC-32, native, about 6 GB/s. yazl looks up `unsigned` on the
 * buffer-crc32 module object at every chunk, so that one function is pointed at zlib's here, on yazl's own copy of
 * the module. The ZIP tests read every archive back with python3's zipfile, which checks each CRC.
 */
const yazlRequire = createRequire(createRequire(import.meta.url).resolve('yazl'));
const bufferCrc32 = yazlRequire('buffer-crc32') as { unsigned: (data: Buffer | string, previous?: number | Buffer) => number };
// Absent before Node 20.15: yazl then keeps its own.
const nativeCrc32 = (zlib as Partial<typeof zlib>).crc32;
if (nativeCrc32) {
  bufferCrc32.unsigned = (data, previous) => nativeCrc32(data, typeof previous === 'number' ? previous : previous ? previous.readUInt32BE(0) : 0);
}

/** One file of a bulk download. */
export interface ZipEntry {
  /** Already safe and unique (lib/zip-names.ts). */
  name: string;
  blobKey: string;
  size: number;
  mtime: Date;
}

export interface ZipDownload {
  stream: Readable;
  /** Exact archive size in bytes: entries are stored uncompressed with known sizes, so yazl can compute it. */
  size: number;
  entries: number;
}

/**
 * Streams a ZIP of blobs with yazl: no temp file, no archive in memory. Each blob is opened only when yazl reaches
 * its entry (addReadStreamLazy), so at most one blob stream is open at a time. Entries are STORED, not deflated:
 * studio files are mostly compressed already, deflate would cost a core per download, and stored entries with known
 * sizes let the response carry an exact Content-Length. yazl switches to ZIP64 by itself where sizes or offsets
 * need it (files over 4 GiB, archives over 4 GiB, more than 65,535 entries).
 */
export async function buildZip(blobs: BlobStore, entries: readonly ZipEntry[], log: Logger): Promise<ZipDownload> {
  const zip = new ZipFile();
  let open: Readable | undefined;
  const output = zip.outputStream as Readable;
  for (const [index, entry] of entries.entries()) {
    zip.addReadStreamLazy(entry.name, { size: entry.size, mtime: entry.mtime, compress: false }, (cb) => {
      if (index > 0) {
        // The entries before this one have gone out: the client holds part of the archive.
        crashPoint('download.zip.mid-stream');
      }
      blobs.get(entry.blobKey).then(
        (stream) => {
          open = stream;
          cb(null, stream);
        },
        (err: unknown) => cb(err, undefined as unknown as NodeJS.ReadableStream),
      );
    });
  }
  zip.on('error', (err: unknown) => {
    // A blob that vanished or failed mid-archive: the headers are gone, so the only honest signal is a cut stream.
    log.error({ err }, 'bulk download failed while streaming');
    output.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  // The client went away: release the blob stream yazl is reading.
  output.once('close', () => open?.destroy());
  const size = await new Promise<number>((resolve) => {
    // @types/yazl omits the callback's argument (yazl 3 README: calculatedTotalSizeCallback(calculatedTotalSize)).
    const end = zip.end.bind(zip) as (options: { forceZip64Format: boolean }, cb: (total: number) => void) => void;
    // Always the ZIP64 end-of-central-directory records (76 bytes): yazl 3.3.1 predicts them once the central
    // directory reaches 64 KiB (about 800 entries) but writes them only past 4 GiB, so its Content-Length would be
    // 76 bytes too long. Forcing them makes prediction and output agree; every current unzip tool reads ZIP64.
    end({ forceZip64Format: true }, resolve);
  });
  if (size < 0) {
    throw new Error('yazl could not compute the archive size of stored entries');
  }
  return { stream: output, size, entries: entries.length };
}
