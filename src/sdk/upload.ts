import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import { AtelierApiError, AtelierIntegrityError } from './errors.js';
import type { SendOptions, Transport } from './transport.js';

/*
 * Resumable uploads over tus 1.0.0 (the server's /workspaces/assets/tus). The file is sent in PATCHes whose bodies
 * stream from the file, as large as the server advises (`Atelier-Patch-Bytes`): a disk server keeps what arrived of
 * a PATCH cut short, so it takes the rest of the file in one (each extra PATCH costs a round trip, a drained pipeline
 * and an fsync); an S3 one keeps whole PATCHes only, and advises 64 MiB, as is the default without advice. After
 * Ctrl-C, a killed process or a dropped connection the upload continues from the server's offset (`HEAD`), and what
 * the server kept is never sent again. The file's SHA-256 travels in the upload's
 * metadata when the caller knows it, else it is computed as the chunks are read and declared with the last one
 * (`Atelier-Checksum`, on a last chunk of at most 8 MiB read whole); either way the server refuses to commit bytes
 * that do not match it (`checksum_mismatch`).
 */

const TUS = { 'tus-resumable': '1.0.0' };
/** PATCH size without the server's advice: each streams from the file, so its size costs no memory. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024;
/** Files up to this size go in one request; the last PATCH (read whole, to declare the hash with it) is at most this. */
const TAIL_BYTES = 8 * 1024 * 1024;
/** How many times a PATCH answered 423 (another request writes the upload) waits 1 s and resumes before failing. */
const LOCKED_WAITS = 40;
/** 408s in a row that kept nothing before the upload gives up (a stall that kept bytes starts the count again). */
const STALLS = 3;

export interface UploadOptions {
  /** The folder to upload into (`/Art/Props/`); default `/`. */
  fileLocation?: string | undefined;
  /** The file name on the server; default the local file's name. */
  fileName?: string | undefined;
  description?: string | undefined;
  /** Add a version to this asset instead of matching by folder and name. */
  assetId?: string | undefined;
  /** SHA-256 (hex) already computed by the caller; else the file is hashed first. */
  checksum?: string | undefined;
  /** Bytes per PATCH; default what the server advises (`Atelier-Patch-Bytes`), else DEFAULT_CHUNK_BYTES. */
  chunkBytes?: number | undefined;
  /** The upload URL of an earlier, interrupted attempt at the same file: continue it. */
  resumeUrl?: string | undefined;
  /** Called once the upload exists on the server, with its URL: store it to resume after a crash. */
  onCreated?: ((uploadUrl: string) => void | Promise<void>) | undefined;
  /** Called as the bytes are sent (`uploaded`: up to where this request has read) and after every chunk stored. */
  onProgress?: ((uploaded: number, total: number) => void) | undefined;
  /**
   * Files up to this size (default: 8 MiB, or `chunkBytes` when smaller) go in one request (`POST /workspaces/assets`, checksum and size
   * verified by the server): one round trip and no upload session, which is what many small files need. A dropped
   * request sends the (small) file again. 0 sends every file over tus.
   */
  singleRequestBytes?: number | undefined;
  /** Cap on the sending rate (bytes per second). */
  bytesPerSecond?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface UploadResult {
  assetId: string;
  versionId: string;
  size: number;
  checksum: string;
  uploadUrl: string;
  /** Where this call started: 0, or the server's offset of the resumed upload. */
  resumedFrom: number;
  /** Bytes this call sent (the file's size minus what had already arrived). */
  bytesSent: number;
}

interface TusState {
  offset: number;
  /** The PATCH size the server advises from here (absent from servers that give none). */
  patchBytes?: number | undefined;
  assetId?: string | undefined;
  versionId?: string | undefined;
}

function stateOf(res: Response): TusState {
  const advised = Number(res.headers.get('atelier-patch-bytes') ?? NaN);
  return {
    offset: Number(res.headers.get('upload-offset') ?? '0'),
    patchBytes: Number.isSafeInteger(advised) && advised > 0 ? advised : undefined,
    assetId: res.headers.get('atelier-asset-id') ?? undefined,
    versionId: res.headers.get('atelier-version-id') ?? undefined,
  };
}

const metadata = (pairs: Record<string, string | undefined>): string =>
  Object.entries(pairs)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k} ${Buffer.from(v, 'utf8').toString('base64')}`)
    .join(',');

/** The state of an earlier upload, or undefined when it is gone (expired, terminated, failed, never ours). */
async function headUpload(transport: Transport, url: string, signal?: AbortSignal): Promise<TusState | undefined> {
  const res = await transport.send(() => new Request(url, { method: 'HEAD', headers: TUS }), { allow: [404, 409, 410], signal });
  return res.ok ? stateOf(res) : undefined;
}

/** Uploads a local file as a new asset or a new version, resumably. */
export async function uploadFile(transport: Transport, path: string, opts: UploadOptions = {}): Promise<UploadResult> {
  const size = (await stat(path)).size;
  const firstChunkBytes = Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  // The PATCH size from the state's advice, unless the caller chose one.
  const chunkBytesAt = (at: TusState): number => Math.max(1, opts.chunkBytes ?? at.patchBytes ?? DEFAULT_CHUNK_BYTES);
  let url = opts.resumeUrl;
  let state = url ? await headUpload(transport, url, opts.signal) : undefined;
  if (!url && size <= (opts.singleRequestBytes ?? Math.min(firstChunkBytes, TAIL_BYTES))) {
    return uploadInOneRequest(transport, path, size, opts);
  }
  // Without a checksum from the caller, the file is hashed as it is sent and its SHA-256 declared with the last
  // chunk (`Atelier-Checksum`), rather than read once more before the first byte leaves.
  const running = opts.checksum === undefined ? new RunningHash(path) : undefined;
  let checksum = opts.checksum;
  let sentWithCreation = 0;
  if (!url || !state) {
    // A file that fits in one chunk goes with the request that creates the upload (tus creation-with-upload): one
    // round trip per small file instead of two.
    const whole = size <= Math.min(firstChunkBytes, TAIL_BYTES) ? await readFile(path) : undefined;
    if (whole && whole.length !== size) {
      throw new AtelierIntegrityError(`${path} changed while it was being uploaded`);
    }
    checksum ??= whole ? sha256Hex(whole) : undefined;
    const res = await transport.send(
      () =>
        new Request(transport.url('/workspaces/assets/tus'), {
          method: 'POST',
          ...(whole?.length ? { body: whole } : {}),
          headers: {
            ...TUS,
            ...(whole?.length ? { 'content-type': 'application/offset+octet-stream' } : {}),
            'upload-length': String(size),
            'upload-metadata': metadata({
              filename: opts.fileName ?? basename(path),
              file_location: opts.fileLocation,
              description: opts.description,
              asset_id: opts.assetId,
              checksum,
            }),
          },
        }),
      { retryNetwork: false, signal: opts.signal },
    );
    url = transport.url(res.headers.get('location') ?? '');
    state = stateOf(res);
    sentWithCreation = state.offset;
    if (!state.assetId) {
      await opts.onCreated?.(url);
    }
    if (sentWithCreation) {
      opts.onProgress?.(state.offset, size);
    }
  }
  const resumedFrom = state.offset - sentWithCreation;
  const started = Date.now();
  let sent = sentWithCreation;
  const file = await open(path, 'r');
  // The last chunk is read whole (it carries the file's hash, known only once it is read); the others stream.
  const tailBytes = Math.min(TAIL_BYTES, firstChunkBytes);
  // After each piece of a PATCH from `from` that reached `at`: progress, and the rate cap (bytes sent by this call).
  let reported = state.offset;
  const pace = async (at: number, from: number): Promise<void> => {
    if (at !== reported) {
      reported = at;
      opts.onProgress?.(at, size);
    }
    if (opts.bytesPerSecond && opts.bytesPerSecond > 0) {
      const wait = started + ((sent + at - from) / opts.bytesPerSecond) * 1000 - Date.now();
      if (wait > 0) {
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  };
  let lockedWaits = 0;
  let stalls = 0;
  try {
    while (!state.assetId) {
      opts.signal?.throwIfAborted();
      const offset = state.offset;
      const remaining = size - offset;
      const chunkBytes = chunkBytesAt(state);
      const length = remaining > chunkBytes ? chunkBytes : remaining > tailBytes ? remaining - tailBytes : remaining;
      const last = length === remaining;
      await running?.advanceTo(offset);
      const mark = running?.mark();
      const chunk = last ? await readRange(file, path, offset, length) : undefined;
      const declared = chunk && running ? running.digestWith(chunk) : undefined;
      const headers = {
        ...TUS,
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        'content-length': String(length),
        ...(declared ? { 'atelier-checksum': declared } : {}),
      };
      // Safe to repeat: a PATCH that did land moves the offset, and its repeat is refused (409) rather than stored twice.
      const sendOptions = { retryNetwork: true, signal: opts.signal };
      try {
        const res = chunk
          ? await transport.send(() => new Request(url, { method: 'PATCH', headers, body: chunk as Buffer<ArrayBuffer> }), sendOptions)
          : await sendStreamed(transport, url, headers, {
              file,
              path,
              range: { offset, length, hash: running, pace: (at: number) => pace(at, offset) },
              // A retried request sends the range again: the hash goes back to where the range starts.
              rewind: () => running?.reset(mark),
              options: sendOptions,
            });
        state = stateOf(res);
        sent += state.offset - offset;
        if (state.offset !== offset + length) {
          // The server kept another amount: the hash goes back, and catches up from the file at the next offset.
          running?.reset(mark);
        }
        checksum ??= declared;
      } catch (err) {
        running?.reset(mark);
        // 423: the server still writes an earlier attempt of this PATCH (a retry after a dropped connection, before
        // the server saw the drop). Its write claim ends with that write, or lapses within 30 s: wait, then resume.
        if (err instanceof AtelierApiError && err.code === 'upload_locked' && lockedWaits < LOCKED_WAITS) {
          lockedWaits += 1;
          await new Promise((r) => setTimeout(r, 1000));
          const now = await headUpload(transport, url, opts.signal);
          if (!now) {
            throw err;
          }
          state = now;
          continue;
        }
        // 409: the offset moved (an earlier attempt landed). 408: the body stopped arriving for the server's idle
        // limit (a stalled link, a suspended laptop) and the server kept what arrived: resume from its offset, for as
        // long as each stall still moves it.
        const stalled = err instanceof AtelierApiError && err.status === 408 && stalls < STALLS;
        if ((err instanceof AtelierApiError && err.code === 'upload_offset_mismatch') || stalled) {
          const now = await headUpload(transport, url, opts.signal);
          if (!now) {
            throw err;
          }
          sent += Math.max(0, now.offset - offset);
          if (stalled) {
            stalls = now.offset > offset ? 0 : stalls + 1;
          }
          state = now;
          continue;
        }
        throw err;
      }
      await pace(state.offset, state.offset);
    }
  } finally {
    await file.close();
  }
  // Committed by an earlier attempt (a resumed upload found complete): the whole file's hash, for the result.
  checksum ??= running ? await running.digestOfFile(size) : undefined;
  return { assetId: state.assetId, versionId: state.versionId ?? '', size, checksum: checksum ?? '', uploadUrl: url, resumedFrom, bytesSent: sent };
}

/** A small file in one raw request; the server verifies `checksum` and `size` before committing anything. */
async function uploadInOneRequest(transport: Transport, path: string, size: number, opts: UploadOptions): Promise<UploadResult> {
  const body = await readFile(path);
  if (body.length !== size) {
    throw new AtelierIntegrityError(`${path} changed while it was being uploaded`);
  }
  const checksum = opts.checksum ?? sha256Hex(body);
  const query = new URLSearchParams({ file_name: opts.fileName ?? basename(path), checksum, size: String(size) });
  if (opts.fileLocation !== undefined) query.set('file_location', opts.fileLocation);
  if (opts.description !== undefined) query.set('description', opts.description);
  if (opts.assetId !== undefined) query.set('asset_id', opts.assetId);
  const res = await transport.send(
    () => new Request(transport.url(`/workspaces/assets?${query}`), { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body }),
    { retryNetwork: false, signal: opts.signal },
  );
  const asset = (await res.json()) as { id: string; currentVersion: { id: string; checksum: string } | null };
  if (asset.currentVersion?.checksum !== checksum) {
    throw new AtelierIntegrityError(`the server stored other bytes for ${path} (SHA-256 ${asset.currentVersion?.checksum})`);
  }
  opts.onProgress?.(size, size);
  return { assetId: asset.id, versionId: asset.currentVersion.id, size, checksum, uploadUrl: '', resumedFrom: 0, bytesSent: size };
}

const sha256Hex = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Pieces a streamed PATCH body is read in. */
const PIECE_BYTES = 1024 * 1024;

const readRange = (file: FileHandle, path: string, offset: number, length: number): Promise<Buffer> =>
  readInto(Buffer.allocUnsafe(length), file, path, offset, length);

/** Reads [offset, offset + length) of the file into `buffer`; answers the filled part. */
async function readInto(buffer: Buffer, file: FileHandle, path: string, offset: number, length: number): Promise<Buffer> {
  const { bytesRead } = await file.read(buffer, 0, length, offset);
  if (bytesRead !== length) {
    throw new AtelierIntegrityError(`${path} changed while it was being uploaded (it is shorter than expected)`);
  }
  return buffer.subarray(0, length);
}

/** A streamed PATCH: written to the socket when the transport can (no copies), else a streamed fetch body. */
function sendStreamed(
  transport: Transport,
  url: string,
  headers: Record<string, string>,
  body: { file: FileHandle; path: string; range: StreamedRange; rewind: () => void; options: SendOptions },
): Promise<Response> {
  const { file, path, range, rewind, options } = body;
  if (transport.writesBodies) {
    const write = (socket: Writable): Promise<void> => {
      rewind();
      return writeRange(socket, file, path, range);
    };
    return transport.sendWritten(() => ({ url, method: 'PATCH', headers, write }), options);
  }
  return transport.send(() => {
    rewind();
    return new Request(url, { method: 'PATCH', headers, body: streamRange(file, path, range) as unknown as BodyInit, duplex: 'half' } as RequestInit);
  }, options);
}

/** How many pieces a written PATCH body has in flight (read, hashed, or being written to the socket). */
const PIECES_IN_FLIGHT = 4;

/**
 * A PATCH body written from the file to the socket (Transport.sendWritten), piece by piece through a few reused
 * buffers: nothing is copied or allocated per piece, and each piece is hashed once read, while earlier ones are
 * still being written.
 */
async function writeRange(body: Writable, file: FileHandle, path: string, range: StreamedRange): Promise<void> {
  const buffers = Array.from({ length: PIECES_IN_FLIGHT }, () => Buffer.allocUnsafeSlow(PIECE_BYTES));
  const released: Array<Promise<void>> = buffers.map(() => Promise.resolve());
  const end = range.offset + range.length;
  for (let at = range.offset, i = 0; at < end; i = (i + 1) % PIECES_IN_FLIGHT) {
    await released[i];
    const piece = await readInto(buffers[i]!, file, path, at, Math.min(PIECE_BYTES, end - at));
    if (body.destroyed) {
      // Answered early (a refusal, a 408) while this piece was read: stop here rather than read the rest for nothing.
      // (The hash would leave the piece out anyway: it adds only at the offset it stands at.)
      throw new Error('the request ended before its body was written');
    }
    range.hash?.add(piece, at);
    const done = new Promise<void>((resolve, reject) => body.write(piece, (err) => (err ? reject(err) : resolve())));
    done.catch(() => undefined);
    released[i] = done;
    at += piece.length;
    await range.pace(at);
  }
  await Promise.all(released);
}

interface StreamedRange {
  offset: number;
  length: number;
  hash: RunningHash | undefined;
  /** Sees the offset reached after each piece (progress, rate cap). */
  pace: (at: number) => Promise<void>;
}

/**
 * A PATCH body streamed from the file, piece by piece: no chunk is held whole in memory, and each piece is hashed
 * as it is read, so the hashing overlaps the sending. `pace` sees the offset reached after each piece (progress,
 * rate cap).
 */
async function* streamRange(
  file: FileHandle,
  path: string,
  range: StreamedRange,
): AsyncGenerator<Buffer> {
  const end = range.offset + range.length;
  for (let at = range.offset; at < end; ) {
    const piece = await readRange(file, path, at, Math.min(PIECE_BYTES, end - at));
    range.hash?.add(piece, at);
    at += piece.length;
    yield piece;
    await range.pace(at);
  }
}

/**
 * The SHA-256 of a file's first `pos` bytes, kept as chunks are sent. When the upload's offset moves where the hash
 * has not been (a resumed upload, a 409), the bytes in between are read from the file (from the start, when the
 * offset went back).
 */
class RunningHash {
  private hash: Hash = createHash('sha256');
  private pos = 0;
  constructor(private readonly path: string) {}

  async advanceTo(offset: number): Promise<void> {
    if (offset < this.pos) {
      this.hash = createHash('sha256');
      this.pos = 0;
    }
    if (offset > this.pos) {
      let at = this.pos;
      const stream = createReadStream(this.path, { start: at, end: offset - 1, highWaterMark: 1024 * 1024 });
      for await (const chunk of stream) {
        this.add(chunk as Buffer, at);
        at += (chunk as Buffer).length;
      }
    }
  }

  /**
   * Adds the file's bytes from offset `at`, only where the hash stands: a piece read by a PATCH that has since been
   * answered (its stream still pulled once more, after the hash went back) is left out, not hashed twice.
   */
  add(chunk: Buffer, at: number): void {
    if (at === this.pos) {
      this.hash.update(chunk);
      this.pos += chunk.length;
    }
  }

  /** Where it stands now, to go back to with reset (a PATCH whose bytes the server did not keep). */
  mark(): { hash: Hash; pos: number } {
    return { hash: this.hash.copy(), pos: this.pos };
  }

  reset(mark: { hash: Hash; pos: number } | undefined): void {
    if (mark) {
      this.hash = mark.hash.copy();
      this.pos = mark.pos;
    }
  }

  /** The hash of what was added so far and `last`, without adding it. */
  digestWith(last: Buffer): string {
    return this.hash.copy().update(last).digest('hex');
  }

  async digestOfFile(size: number): Promise<string> {
    await this.advanceTo(size);
    return this.hash.copy().digest('hex');
  }
}
