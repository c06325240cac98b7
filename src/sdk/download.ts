import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AtelierIntegrityError } from './errors.js';
import { sha256File } from './hash.js';
import type { Transport } from './transport.js';

/*
 * Range-resumed downloads. Bytes go to `<dest>.atelier-part` (and the version's ETag, its SHA-256, beside it in
 * `<dest>.atelier-part.etag`); an interrupted download continues with `Range: bytes=<have>-` and `If-Range: <etag>`,
 * so a version that changed meanwhile is fetched whole again rather than spliced. The finished file's SHA-256 must
 * equal the ETag before it is renamed to `dest`.
 */

export interface DownloadOptions {
  /** A version id; default the asset's current version. */
  versionId?: string | undefined;
  onProgress?: ((received: number, total: number) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface DownloadResult {
  path: string;
  size: number;
  checksum: string;
  /** Bytes already on disk from an earlier attempt. */
  resumedFrom: number;
  /** Bytes this call received. */
  bytesReceived: number;
}

const unquote = (etag: string | null): string | undefined => etag?.replace(/^W\//, '').replace(/^"|"$/g, '') || undefined;

async function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

/** Downloads an asset's current (or a given) version to `dest`, resuming a partial download left there. */
export async function downloadAsset(transport: Transport, assetId: string, dest: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const part = `${dest}.atelier-part`;
  const etagFile = `${part}.etag`;
  await mkdir(dirname(dest), { recursive: true });
  const path = opts.versionId
    ? `/workspaces/assets/${encodeURIComponent(assetId)}/versions/${encodeURIComponent(opts.versionId)}/download`
    : `/workspaces/assets/${encodeURIComponent(assetId)}/download`;
  let have = await sizeOf(part);
  const knownEtag = have > 0 ? await readFile(etagFile, 'utf8').catch(() => undefined) : undefined;
  if (!knownEtag) {
    have = 0;
  }
  const res = await transport.send(
    () =>
      new Request(transport.url(path), {
        headers: have > 0 && knownEtag ? { range: `bytes=${have}-`, 'if-range': `"${knownEtag}"` } : {},
      }),
    { allow: [416], signal: opts.signal },
  );
  let total: number;
  let resumedFrom = 0;
  const hash = createHash('sha256');
  if (res.status === 416) {
    // The part file already holds every byte (the last attempt died between the last byte and the rename).
    await res.body?.cancel();
    total = Number(/\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1] ?? -1);
    if (total !== have) {
      await rm(part, { force: true });
      throw new AtelierIntegrityError(`the partial download of ${dest} does not fit the file on the server; run the download again`);
    }
    resumedFrom = have;
    await sha256File(part, { into: hash });
  } else if (res.status === 206) {
    resumedFrom = have;
    total = Number(/\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1] ?? 0);
    await sha256File(part, { length: have, into: hash });
  } else {
    total = Number(res.headers.get('content-length') ?? 0);
  }
  const etag = unquote(res.headers.get('etag')) ?? knownEtag;
  if (etag) {
    await writeFile(etagFile, etag);
  }
  let received = 0;
  if (res.status !== 416 && res.body) {
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        received += chunk.length;
        opts.onProgress?.(resumedFrom + received, total);
        done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(res.body as never), counter, createWriteStream(part, { flags: res.status === 206 ? 'a' : 'w' }), {
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }
  const checksum = hash.digest('hex');
  if (etag && /^[0-9a-f]{64}$/.test(etag) && checksum !== etag) {
    await rm(part, { force: true });
    await rm(etagFile, { force: true });
    throw new AtelierIntegrityError(`the bytes of ${dest} do not match the server's SHA-256 (${etag}); run the download again`);
  }
  await rename(part, dest);
  await rm(etagFile, { force: true });
  return { path: dest, size: resumedFrom + received, checksum, resumedFrom, bytesReceived: received };
}
