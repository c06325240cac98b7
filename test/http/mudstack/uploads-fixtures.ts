import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { buildApp } from '../../../src/app.js';
import { generatedBody } from '../../../src/blobs/blob-store.contract.js';
import { S3BlobStore } from '../../../src/blobs/s3.js';
import { parseS3Url } from '../../../src/blobs/s3-url.js';
import { createDeps, createLogger } from '../../../src/deps.js';
import type { TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';

/** Number of temp objects/files in the app's blob store (upload bytes not yet adopted). */
export async function tempCount(t: TestApp): Promise<number> {
  const blobs = t.deps.blobs;
  if (blobs instanceof S3BlobStore) {
    const loc = parseS3Url(t.config.storageUrl ?? '');
    const out = await blobs.client.send(new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: `${loc.prefix}tmp/` }));
    return out.KeyCount ?? 0;
  }
  return (await readdir(join(t.config.dataDir, 'blobs', 'tmp')).catch(() => [])).length;
}

/** Waits until the store has no temp bytes left (an aborted upload is cleaned up asynchronously), or gives up. */
export async function waitForNoTemp(t: TestApp, ms = 5000): Promise<number> {
  const until = Date.now() + ms;
  let n = await tempCount(t);
  while (n > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    n = await tempCount(t);
  }
  return n;
}

/** Everything an upload could have written: asset, version, derivative rows and blobs. */
export async function writtenCounts(t: TestApp): Promise<Record<string, number>> {
  return {
    assets: await t.count('assets'),
    asset_versions: await t.count('asset_versions'),
    derivatives: await t.count('derivatives'),
    blobs: await t.blobCount(),
  };
}

/** The base URL of the app on a real socket (listens on first use). */
export async function listening(t: TestApp): Promise<string> {
  const address = t.app.server.address();
  if (address && typeof address === 'object') {
    return `http://127.0.0.1:${address.port}`;
  }
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return listening(t);
}

/** A new token for `ten` (after t.clock moved past the old token's expiry). */
export async function refreshed(t: TestApp, ten: Tenant): Promise<Tenant> {
  const token = await t.factory.token(ten.key, ten.secret, ten.accountId);
  return { ...ten, token, headers: { ...ten.headers, authorization: `Bearer ${token}` } };
}

/**
 * Sends a request whose body is cut short: `Content-Length: declared`, then `sent` bytes, then the socket closes.
 * Resolves once the socket is closed, with what the server answered before that ('' when it was still reading the
 * body, as it must be for the test to mean anything).
 */
export async function truncatedRequest(
  base: string,
  input: { method: string; path: string; headers: Record<string, string>; declared: number; sent: number },
): Promise<string> {
  const url = new URL(base);
  const socket = connect(Number(url.port), url.hostname);
  let answered = '';
  socket.on('data', (d: Buffer) => {
    answered += d.toString('latin1');
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const head = [
    `${input.method} ${input.path} HTTP/1.1`,
    `Host: ${url.host}`,
    `Content-Length: ${input.declared}`,
    ...Object.entries(input.headers).map(([k, v]) => `${k}: ${v}`),
    '',
    '',
  ].join('\r\n');
  socket.write(head);
  const chunk = Buffer.alloc(64 * 1024, 7);
  let left = input.sent;
  while (left > 0) {
    const n = Math.min(left, chunk.length);
    if (!socket.write(chunk.subarray(0, n))) {
      await new Promise((r) => socket.once('drain', r));
    }
    left -= n;
  }
  // Let the server start consuming before the client goes away.
  await new Promise((r) => setTimeout(r, 150));
  socket.destroy();
  await new Promise((r) => setTimeout(r, 100));
  return answered;
}

/** A second app ("API process") on the same database and blob store as `t`: its own connections and store client. */
export async function secondApp(t: TestApp): Promise<{ app: Awaited<ReturnType<typeof buildApp>>; close(): Promise<void> }> {
  const deps = createDeps(t.config, { clock: t.clock, log: createLogger('silent') });
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await deps.close();
    },
  };
}

/** POSTs a generated body (never held in memory) as a raw upload over a real socket; answers the SHA-256 sent. */
export function streamUpload(url: string, headers: Record<string, string>, bytes: number): Promise<{ status: number; body: any; sha256: string }> {
  const gen = generatedBody(bytes);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(bytes) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), sha256: gen.sha256() }));
    });
    req.on('error', reject);
    gen.body.pipe(req);
  });
}
